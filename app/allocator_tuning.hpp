// glibc allocator settings for the streamed weight pass.
#pragma once

namespace bbs::app {

// The profile builder (model/accel/profile_builder.hpp) allocates and frees buffers of 16-64 MB
// for every block of weights on every worker. By default glibc serves each from a fresh mmap
// (a worker thread's arena cannot hold them), so every block pays page faults and kernel zeroing
// again: measured on `simulate --network llama3_8b -j 2`, a fifth of the CPU time. Keeping large
// buffers in one heap that is not trimmed lets freed blocks be reused: mallopt(3) M_ARENA_MAX,
// M_MMAP_THRESHOLD and M_TRIM_THRESHOLD. Peak memory is unchanged (the same blocks are in use at
// once); freed memory stays with the process until it exits. No effect on other C libraries.
void keep_large_buffers_for_reuse();

}  // namespace bbs::app
