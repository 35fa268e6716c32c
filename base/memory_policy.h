// The process-wide allocation policy of the servers, in one place so that
// the benchmarks measure what production runs.
//
// glibc raises its mmap threshold each time a large block is freed; after a
// few 1 MiB message buffers (document chunks) the threshold sits above them,
// they are carved from per-thread arenas, and the peak resident memory grows
// with the bytes streamed although live memory does not. A fixed 128 KiB
// threshold (which also turns the adjustment off) serves such buffers from
// mmap and returns them at once: resident memory then follows live memory,
// at the price of page faults on every large buffer (measured in
// tests/bench/document_benchmark).
#ifndef CLINIC_BASE_MEMORY_POLICY_H_
#define CLINIC_BASE_MEMORY_POLICY_H_

namespace clinic {

// Call once, early in main.
void UseServerMemoryPolicy();

}  // namespace clinic

#endif  // CLINIC_BASE_MEMORY_POLICY_H_
