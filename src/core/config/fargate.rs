//! AWS Fargate's task sizes: the Terraform writer gives each task the
//! smallest that holds its container, and `exo check` refuses, where
//! `remote.cpu` and `remote.memory` are written, what no size can run.

/// Each CPU size (ECS units, 1024 = one vCPU) with the memory sizes (MiB)
/// Fargate allows with it: from, to, in steps of.
const SIZES: [(u32, u32, u32, u32); 7] = [
    (256, 512, 1024, 512),
    (512, 1024, 4096, 1024),
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
    (8192, 16384, 61440, 4096),
    (16384, 32768, 122_880, 8192),
];

/// The one memory size of 0.25 vCPU beyond its steps of 512.
const SMALLEST_CPU_MOST_MEMORY: u32 = 2048;

/// The largest task: 16 vCPU, 120 GiB.
pub const LARGEST: (u32, u32) = (16384, 122_880);

/// The smallest Fargate task (CPU units, MiB) that holds a container of
/// `cpu` units and `memory` MiB (0.25 vCPU and 512 MiB when unset); `None`
/// when no size does.
pub fn task_size(cpu: Option<u32>, memory: Option<u32>) -> Option<(u32, u32)> {
    let cpu = cpu.unwrap_or(256);
    let memory = memory.unwrap_or(512);
    SIZES
        .iter()
        .filter(|(size, ..)| *size >= cpu)
        .find_map(|&(size, low, high, step)| {
            // In u64: rounding up the largest u32 must not overflow.
            let fitting = if memory <= low {
                u64::from(low)
            } else {
                u64::from(low) + u64::from(memory - low).div_ceil(u64::from(step)) * u64::from(step)
            };
            if fitting <= u64::from(high) {
                Some((size, u32::try_from(fitting).ok()?))
            } else if size == 256 && memory <= SMALLEST_CPU_MOST_MEMORY {
                Some((size, SMALLEST_CPU_MOST_MEMORY))
            } else {
                None
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_size_that_holds_the_container() {
        assert_eq!(task_size(None, None), Some((256, 512)));
        assert_eq!(task_size(Some(100), Some(200)), Some((256, 512)));
        assert_eq!(task_size(Some(256), Some(700)), Some((256, 1024)));
        assert_eq!(task_size(Some(256), Some(1500)), Some((256, 2048)));
        assert_eq!(task_size(Some(300), Some(128)), Some((512, 1024)));
        assert_eq!(task_size(Some(256), Some(3000)), Some((512, 3072)));
        assert_eq!(task_size(Some(1024), Some(9000)), Some((2048, 9216)));
        assert_eq!(task_size(Some(4096), Some(30721)), Some((8192, 32768)));
        assert_eq!(task_size(Some(8192), None), Some((8192, 16384)));
        assert_eq!(task_size(Some(8192), Some(61440)), Some((8192, 61440)));
        assert_eq!(task_size(Some(8192), Some(61441)), Some((16384, 65536)));
        assert_eq!(task_size(Some(16384), None), Some((16384, 32768)));
        assert_eq!(task_size(Some(LARGEST.0), Some(LARGEST.1)), Some(LARGEST));
    }

    #[test]
    fn what_no_size_runs() {
        assert_eq!(task_size(Some(16385), None), None);
        assert_eq!(task_size(None, Some(122_881)), None);
        assert_eq!(task_size(Some(u32::MAX), Some(u32::MAX)), None);
    }
}
