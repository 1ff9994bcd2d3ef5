//! Heap settings for a short, parallel run, set through glibc's documented dynamic
//! thresholds, without `unsafe` (the workspace forbids it, so `mallopt` cannot be called).
//!
//! glibc's `malloc` grows a thread's heap in small steps and gives freed memory at the top
//! of a heap back to the system once more than 128 KiB is free. A template build allocates
//! and frees tens of megabytes across the worker threads, so the heaps grow and shrink
//! over and over; every step is a system call (`mprotect`, `madvise`) that takes the
//! process's memory-map lock, and the other thread's page faults wait for it. Measured on a
//! 2-core machine (BENCHMARKS.md), the principal-axis step of a build ran no faster on two
//! threads than on one, for this reason alone.
//!
//! mallopt(3), M_MMAP_THRESHOLD: "when blocks larger than the current threshold and less
//! than or equal to DEFAULT_MMAP_THRESHOLD_MAX are freed, the threshold is adjusted upward to
//! the size of the freed block. When dynamic mmap thresholding is in effect, the threshold
//! for trimming the heap is also dynamically adjusted to be twice the dynamic mmap
//! threshold." So freeing one 31 MiB block raises the mmap threshold to 31 MiB and the trim
//! threshold to 62 MiB; then each worker thread takes and frees a 24 MiB block, which grows
//! its heap once and stays as its free top, ready for the run's allocations. (The block must
//! stay below DEFAULT_MMAP_THRESHOLD_MAX with glibc's chunk header added: a 32 MiB block is
//! just over it and leaves the thresholds as they were.) A template build of UI-PRMD's 200
//! files of a movement keeps about 40 MB of curves and alignments alive across the two
//! workers: with 8 MiB blocks its heaps still grew in 344 small steps (`strace -f -c`), and the
//! first averaging round ran three times slower on two threads than on one; with 24 MiB
//! the whole run makes 14 `mprotect` calls, and template building took about 12 % less wall time
//! (BENCHMARKS.md). The blocks are reserved, never written: they
//! cost address space, not memory, and the run's peak resident memory is what it would be
//! anyway (BENCHMARKS.md, one-hour recording). With another allocator this is two
//! harmless allocations.

/// Size of the block whose release raises glibc's mmap and trim thresholds (≤ its
/// DEFAULT_MMAP_THRESHOLD_MAX, 32 MiB on 64-bit systems).
const THRESHOLD_BLOCK: usize = 31 << 20;
/// Heap reserved up front in each worker thread.
const WORKER_HEAP: usize = 24 << 20;

/// Applies the settings above; call once, before the parallel work starts.
pub fn prepare_heaps() {
    drop(std::hint::black_box(Vec::<u8>::with_capacity(
        THRESHOLD_BLOCK,
    )));
    rayon::broadcast(|_| {
        drop(std::hint::black_box(Vec::<u8>::with_capacity(WORKER_HEAP)));
    });
}
