#!/usr/bin/env python3
"""The golden values of tests/sim/*_test.cc, from an independent transcription.

Each algorithm of sim/random_stream.cc, sim/distributions.cc and sim/sampling_plan.cc is written
again here from its published description, over Python's integers and floats (IEEE doubles; the
math module calls the same C library). Run it after a deliberate change of algorithm and copy
the printed values into the tests; a difference without such a change is a bug.

    python3 tests/sim/golden_values.py
"""
import math

MASK = (1 << 64) - 1


def mix64(z):
    """The SplitMix64 output function."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stream_key(master_seed, replication, stream_id):
    key = mix64(master_seed ^ 0x9E3779B97F4A7C15)
    key = mix64(key ^ replication ^ 0xD1B54A32D192ED03)
    return mix64(key ^ stream_id ^ 0x8CB92BA72F3D8DD7)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Stream:
    """xoshiro256** 1.0, seeded by four SplitMix64 outputs from the stream key."""

    def __init__(self, state):
        self.s = list(state)

    @staticmethod
    def named(master_seed, replication, stream_id):
        counter = stream_key(master_seed, replication, stream_id)
        state = []
        for _ in range(4):
            counter = (counter + 0x9E3779B97F4A7C15) & MASK
            state.append(mix64(counter))
        return Stream(state)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        shifted = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= shifted
        s[3] = rotl(s[3], 45)
        return result

    def uniform01(self):
        return (self.next() >> 11) * 2.0**-53

    def uniform01_open(self):
        return ((self.next() >> 12) + 0.5) * 2.0**-52

    def below(self, n):
        """Lemire's nearly divisionless method."""
        product = self.next() * n
        if (product & MASK) < n:
            threshold = (2**64 - n) % n
            while (product & MASK) < threshold:
                product = self.next() * n
        return product >> 64


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def exponential(stream, rate):
    return -math.log(stream.uniform01_open()) / rate


def standard_normal(stream):
    """Marsaglia's polar method, first of the pair."""
    while True:
        x = 2 * stream.uniform01() - 1
        y = 2 * stream.uniform01() - 1
        s = x * x + y * y
        if 0 < s < 1:
            return x * math.sqrt(-2 * math.log(s) / s)


def gamma_at_least_one(stream, shape):
    """Marsaglia and Tsang (2000)."""
    d = shape - 1.0 / 3
    c = 1 / math.sqrt(9 * d)
    while True:
        x = standard_normal(stream)
        v = 1 + c * x
        if v <= 0:
            continue
        v = v * v * v
        u = stream.uniform01_open()
        x2 = x * x
        if u < 1 - 0.0331 * x2 * x2:
            return d * v
        if math.log(u) < 0.5 * x2 + d * (1 - v + math.log(v)):
            return d * v


def gamma(stream, shape, scale):
    if shape >= 1:
        return scale * gamma_at_least_one(stream, shape)
    boosted = gamma_at_least_one(stream, shape + 1)
    return scale * boosted * math.exp(math.log(stream.uniform01_open()) / shape)


def log_factorial(k):
    if k <= 20:
        return math.log(float(math.factorial(int(k))))
    n = k + 1
    inverse = 1 / n
    inverse_squared = inverse * inverse
    series = inverse * (1.0 / 12 - inverse_squared * (
        1.0 / 360 - inverse_squared * (1.0 / 1260 - inverse_squared / 1680)))
    return (n - 0.5) * math.log(n) - n + 0.91893853320467274178 + series


def poisson(stream, mean):
    """Sequential-search inversion below 10, PTRS (Hoermann 1993) from 10."""
    if mean == 0:
        return 0
    if mean < 10:
        u = stream.uniform01()
        p = math.exp(-mean)
        cumulative = p
        k = 0
        while u >= cumulative and k < 200:
            k += 1
            p *= mean / k
            cumulative += p
        return k
    sqrt_mean = math.sqrt(mean)
    log_mean = math.log(mean)
    b = 0.931 + 2.53 * sqrt_mean
    a = -0.059 + 0.02483 * b
    inverse_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = stream.uniform01() - 0.5
        v = stream.uniform01_open()
        u_s = 0.5 - abs(u)
        if u_s == 0:
            continue
        k = math.floor((2 * a / u_s + b) * u + mean + 0.43)
        if u_s >= 0.07 and v <= v_r:
            return k
        if k < 0 or (u_s < 0.013 and v > u_s):
            continue
        if math.log(v * inverse_alpha / (a / (u_s * u_s) + b)) <= (
                -mean + k * log_mean - log_factorial(k)):
            return k


def alias_table(weights):
    """Vose's algorithm, with the C++ code's stacks and order."""
    n = len(weights)
    total = 0.0
    for w in weights:
        total += w
    scaled = [w * float(n) / total for w in weights]
    small = [i for i in range(n) if scaled[i] < 1]
    large = [i for i in range(n) if scaled[i] >= 1]
    accept = [0.0] * n
    alias = [0] * n
    while small and large:
        s = small.pop()
        l = large.pop()
        accept[s] = scaled[s]
        alias[s] = l
        scaled[l] = (scaled[l] + scaled[s]) - 1
        (small if scaled[l] < 1 else large).append(l)
    for i in large + small:
        accept[i] = 1.0
        alias[i] = i
    return accept, alias


def alias_sample(stream, table):
    accept, alias = table
    column = stream.below(len(accept))
    return column if stream.uniform01() < accept[column] else alias[column]


def latin_hypercube(stream, ranges, n):
    points = [[0.0] * len(ranges) for _ in range(n)]
    for d, (low, high) in enumerate(ranges):
        strata = list(range(n))
        for i in range(n - 1, 0, -1):
            j = stream.below(i + 1)
            strata[i], strata[j] = strata[j], strata[i]

        def edge(s):
            return high if s == n else low + (high - low) * (float(s) / float(n))

        for i in range(n):
            a, b = edge(strata[i]), edge(strata[i] + 1)
            points[i][d] = a + (b - a) * stream.uniform01()
    return points


def main():
    reference = Stream([1, 2, 3, 4])
    print("xoshiro256** {1,2,3,4}:", [reference.next() for _ in range(6)])
    print("keys:", hex(stream_key(0, 0, 0)), hex(stream_key(42, 1, 7)))
    s = Stream.named(42, 1, 7)
    print("(42,1,7) next:", [hex(s.next()) for _ in range(5)])
    s = Stream.named(1, 0, 0)
    print("(1,0,0) next:", [hex(s.next()) for _ in range(2)])
    s = Stream.named(42, 1, 7)
    print("(42,1,7) uniform01:", [repr(s.uniform01()) for _ in range(3)])
    s = Stream.named(42, 1, 7)
    print("(42,1,7) below(10):", [s.below(10) for _ in range(10)])
    s = Stream.named(42, 1, 7)
    print("(42,1,7) below(2^63+1):", [s.below(2**63 + 1) for _ in range(4)])
    print("fnv1a64:", [hex(fnv1a64(t)) for t in ("", "a", "foobar", "arrivals")])

    s = Stream.named(1, 0, 1)
    print("exponential(2):", [repr(exponential(s, 2.0)) for _ in range(4)])
    s = Stream.named(1, 0, 2)
    print("normal:", [repr(standard_normal(s)) for _ in range(4)])
    s = Stream.named(1, 0, 3)
    print("gamma(2.5, 1):", [repr(gamma(s, 2.5, 1.0)) for _ in range(4)])
    s = Stream.named(1, 0, 4)
    print("gamma(0.5, 2):", [repr(gamma(s, 0.5, 2.0)) for _ in range(4)])
    s = Stream.named(1, 0, 5)
    print("poisson(3):", [poisson(s, 3.0) for _ in range(8)])
    s = Stream.named(1, 0, 6)
    print("poisson(40):", [poisson(s, 40.0) for _ in range(8)])
    s = Stream.named(1, 0, 7)
    mu = math.log(40000)
    print("lognormal:", [repr(math.exp(mu + 0.9 * standard_normal(s))) for _ in range(4)])
    s = Stream.named(1, 0, 8)
    table = alias_table([85.065, 6.955, 4.86, 1.9, 1.22])
    print("alias:", [alias_sample(s, table) for _ in range(12)])
    s = Stream.named(1, 0, 9)
    for point in latin_hypercube(s, [(0.0, 1.0), (-5.0, 5.0), (100.0, 200.0)], 4):
        print("latin hypercube:", [repr(v) for v in point])


if __name__ == "__main__":
    main()
