// Bounds-checked little-endian writing and reading of variable records (journal commands,
// later wire messages). The writer appends to a caller's buffer up to its capacity; the reader
// fails, sticky, on the first read past the end, so that a caller checks once at the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "core/bytes.h"
#include "core/int128.h"

namespace kervan {

class ByteWriter {
 public:
  explicit ByteWriter(std::span<uint8_t> buffer) : buffer_(buffer) {}

  void u8(uint8_t v) { put(&v, 1); }
  void u16(uint16_t v) {
    uint8_t b[2];
    store_u16_le(b, v);
    put(b, 2);
  }
  void u32(uint32_t v) {
    uint8_t b[4];
    store_u32_le(b, v);
    put(b, 4);
  }
  void u64(uint64_t v) {
    uint8_t b[8];
    store_u64_le(b, v);
    put(b, 8);
  }
  void u128(kervan::u128 v) {
    uint8_t b[16];
    store_u128_le(b, v);
    put(b, 16);
  }
  void i128(kervan::i128 v) { u128(static_cast<kervan::u128>(v)); }
  // A text of at most 255 bytes: its length, then its bytes.
  void text(std::string_view v) {
    if (v.size() > 255) {
      overflowed_ = true;
      return;
    }
    u8(static_cast<uint8_t>(v.size()));
    put(reinterpret_cast<const uint8_t*>(v.data()), v.size());
  }
  void bytes(std::span<const uint8_t> v) { put(v.data(), v.size()); }

  // False once anything did not fit (the buffer then holds a prefix only).
  bool ok() const { return !overflowed_; }
  std::span<const uint8_t> written() const { return buffer_.first(size_); }

 private:
  void put(const uint8_t* p, size_t n) {
    if (overflowed_ || n > buffer_.size() - size_) {
      overflowed_ = true;
      return;
    }
    if (n != 0) std::memcpy(buffer_.data() + size_, p, n);
    size_ += n;
  }
  std::span<uint8_t> buffer_;
  size_t size_ = 0;
  bool overflowed_ = false;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  uint8_t u8() { return take(1) ? bytes_[offset_ - 1] : 0; }
  uint16_t u16() { return take(2) ? load_u16_le(&bytes_[offset_ - 2]) : 0; }
  uint32_t u32() { return take(4) ? load_u32_le(&bytes_[offset_ - 4]) : 0; }
  uint64_t u64() { return take(8) ? load_u64_le(&bytes_[offset_ - 8]) : 0; }
  kervan::u128 u128() { return take(16) ? load_u128_le(&bytes_[offset_ - 16]) : 0; }
  kervan::i128 i128() { return static_cast<kervan::i128>(u128()); }
  std::string_view text() {
    const uint8_t length = u8();
    if (!take(length)) return {};
    return {reinterpret_cast<const char*>(&bytes_[offset_ - length]), length};
  }
  std::span<const uint8_t> bytes(size_t n) {
    if (!take(n)) return {};
    return bytes_.subspan(offset_ - n, n);
  }

  // True when every read was within the bytes and all of them were read.
  bool done() const { return !failed_ && offset_ == bytes_.size(); }
  bool ok() const { return !failed_; }

 private:
  bool take(size_t n) {
    if (failed_ || n > bytes_.size() - offset_) {
      failed_ = true;
      return false;
    }
    offset_ += n;
    return true;
  }
  std::span<const uint8_t> bytes_;
  size_t offset_ = 0;
  bool failed_ = false;
};

}  // namespace kervan
