#include "tests/fuzz/mutator.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace clinic {
namespace fuzz {
namespace {

// Byte strings that often sit on a parser's boundaries.
const std::vector<std::string>& InterestingChunks() {
  static const auto* const chunks = new std::vector<std::string>{
      std::string(1, '\0'),
      "\xff",
      "\x7f",
      "\x80",
      "\xff\xff\xff\xff",
      "\x7f\xff\xff\xff",
      "\x00\x00\x00\x00",
      "\n",
      "\r\n",
      " ",
      "#",
      "=",
      ":",
      "{",
      "}",
      "[",
      "]",
      "\"",
      "\\",
      "<",
      ">",
      ".",
      "-1",
      "0",
      "2147483648",
      "-9223372036854775808",
      "18446744073709551616",
      "1e999",
      "NaN",
      "null",
      "true",
      "\xc3\x28",
      "\xe2\x80\xae",
      "\xf0\x9f\x98\x80",
      "%s%n",
      "v1.",
      "{\"manifest\":",
  };
  return *chunks;
}

}  // namespace

size_t Mutator::Below(size_t n) {
  return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
}

std::string Mutator::Mutate(const std::string& input,
                            const std::vector<std::string>& others) {
  std::string data = input;
  size_t rounds = 1 + Below(4);
  for (size_t i = 0; i < rounds; ++i) MutateOnce(&data, others);
  if (data.size() > max_size_) data.resize(max_size_);
  return data;
}

void Mutator::MutateOnce(std::string* data,
                         const std::vector<std::string>& others) {
  const size_t size = data->size();
  switch (Below(10)) {
    case 0:  // flip a bit
      if (size > 0) (*data)[Below(size)] ^= static_cast<char>(1 << Below(8));
      break;
    case 1:  // set a byte
      if (size > 0) (*data)[Below(size)] = static_cast<char>(Below(256));
      break;
    case 2:  // insert a random byte
      data->insert(data->begin() + static_cast<std::ptrdiff_t>(Below(size + 1)),
                   static_cast<char>(Below(256)));
      break;
    case 3:  // erase a range
      if (size > 0) {
        size_t at = Below(size);
        data->erase(at, 1 + Below(std::min<size_t>(size - at, 64)));
      }
      break;
    case 4:  // truncate
      data->resize(size == 0 ? 0 : Below(size));
      break;
    case 5:  // duplicate a chunk
      if (size > 0) {
        size_t at = Below(size);
        size_t len = 1 + Below(std::min<size_t>(size - at, 256));
        std::string chunk = data->substr(at, len);
        size_t count = 1 + Below(8);
        std::string repeated;
        for (size_t i = 0; i < count; ++i) repeated += chunk;
        data->insert(Below(size + 1), repeated);
      }
      break;
    case 6:  // insert an interesting chunk
    case 7: {
      const std::vector<std::string>& chunks = InterestingChunks();
      const std::string& chunk = chunks[Below(chunks.size())];
      if (size > 0 && Below(2) == 0) {
        size_t at = Below(size);
        data->replace(at, std::min(chunk.size(), size - at), chunk);
      } else {
        data->insert(Below(size + 1), chunk);
      }
      break;
    }
    case 8:  // splice: our head, another input's tail
      if (!others.empty()) {
        const std::string& other = others[Below(others.size())];
        size_t keep = Below(size + 1);
        size_t from = Below(other.size() + 1);
        *data = data->substr(0, keep) + other.substr(from);
      }
      break;
    default:  // swap two bytes
      if (size > 1) std::swap((*data)[Below(size)], (*data)[Below(size)]);
      break;
  }
}

std::vector<std::pair<std::string, std::string>> ReadCorpus(
    const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return files;
  while (dirent* entry = readdir(d)) {
    std::string name = entry->d_name;
    std::string path = dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    std::ifstream in(path, std::ios::binary);
    files.emplace_back(name, std::string(std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>()));
  }
  closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace fuzz
}  // namespace clinic
