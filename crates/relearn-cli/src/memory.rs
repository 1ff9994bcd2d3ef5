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
//! threshold." So freeing one 16 MiB block raises the trim threshold to 32 MiB; then each
//! worker thread takes and frees an 8 MiB block, which grows its heap once and stays as its
//! free top, ready for the run's allocations ([`DEFAULT`]). A template build of UI-PRMD's 200
//! files of a movement keeps about 40 MB of curves and alignments alive across the two
//! workers: with 8 MiB its heaps still grew in 336 small steps (`strace -f -c`), and its
//! first averaging round ran three times slower on two threads than on one. [`BUILDING`]
//! frees a 31 MiB block (mmap threshold 31 MiB, trim threshold 62 MiB) and reserves 24 MiB
//! per worker: 14 `mprotect` calls in all, and builds 4-7.5 % faster in alternating runs (BENCHMARKS.md). (The
//! block must stay below DEFAULT_MMAP_THRESHOLD_MAX with glibc's chunk header added: a 32 MiB
//! block is just over it and leaves the thresholds as they were.) The blocks are reserved, never written: they
//! cost address space, not memory, and the run's peak resident memory is what it would be
//! anyway (BENCHMARKS.md, one-hour recording). With another allocator this is two
//! harmless allocations.

/// How much heap a command reserves: the block whose release raises glibc's mmap and trim
/// thresholds (below its DEFAULT_MMAP_THRESHOLD_MAX, 32 MiB on 64-bit systems, header
/// included), and the heap each worker thread reserves up front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapPlan {
    threshold_block: usize,
    worker_heap: usize,
}

/// For commands that keep every example's curves and alignments alive at once (`template
/// build`, `eval`): about 40 MB over two workers for UI-PRMD's 200 files of a movement.
pub const BUILDING: HeapPlan = HeapPlan {
    threshold_block: 31 << 20,
    worker_heap: 24 << 20,
};

/// For the other commands, whose parallel work holds one recording per worker at a time
/// (`score`, `analyze`). The larger reservation of [`BUILDING`] made scoring no faster, and
/// 1.5-5.7 % slower in alternating runs (BENCHMARKS.md): glibc clears memory handed out
/// by `calloc` from a heap's reserved part, which it cannot know to be still untouched.
pub const DEFAULT: HeapPlan = HeapPlan {
    threshold_block: 16 << 20,
    worker_heap: 8 << 20,
};

/// Applies a plan; call once, before the parallel work starts.
pub fn prepare_heaps(plan: HeapPlan) {
    drop(std::hint::black_box(Vec::<u8>::with_capacity(
        plan.threshold_block,
    )));
    rayon::broadcast(|_| {
        drop(std::hint::black_box(Vec::<u8>::with_capacity(
            plan.worker_heap,
        )));
    });
}
