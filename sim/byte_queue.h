// A FIFO of bytes: append at the back, consume from the front, read the front as a view.
// Consumed space is reclaimed by sliding the rest down once it is at least half the buffer,
// so a queue that is read as fast as it is written stops allocating after warm-up.
#pragma once

#include <string>
#include <string_view>

namespace sim {

class ByteQueue {
 public:
  void append(std::string_view bytes) { data_.append(bytes); }
  std::string_view view() const { return std::string_view(data_).substr(head_); }
  size_t size() const { return data_.size() - head_; }
  void consume(size_t n) {
    head_ += n;
    if (head_ == data_.size()) {
      data_.clear();
      head_ = 0;
    } else if (head_ >= 4096 && head_ * 2 >= data_.size()) {
      data_.erase(0, head_);
      head_ = 0;
    }
  }
  // Drops the last `n` bytes (data written but never sent).
  void truncate_back(size_t n) { data_.resize(data_.size() - n); }
  void clear() {
    data_.clear();
    head_ = 0;
  }

 private:
  std::string data_;
  size_t head_ = 0;
};

}  // namespace sim
