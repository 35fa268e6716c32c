#include "base/memory_policy.h"

#include <malloc.h>

namespace clinic {

void UseServerMemoryPolicy() { mallopt(M_MMAP_THRESHOLD, 128 << 10); }

}  // namespace clinic
