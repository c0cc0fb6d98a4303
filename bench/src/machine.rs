//! What the figures were measured on: the machine's load, the file system
//! the corpus sits on, and flushing the disk between runs. Linux reads
//! `/proc`; elsewhere these report nothing and the table says "–".

use std::path::Path;
use std::process::{Command, Stdio};

/// The 1-minute load average (`/proc/loadavg`), if the platform has one.
/// Reported beside each figure: on a shared machine it says how much
/// other work ran at the same time.
pub fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The type and mount point of the file system holding `path` (`tmpfs`,
/// `ext4`, ...), from `/proc/self/mounts`: the longest mount point that
/// contains the path.
pub fn file_system(path: &Path) -> Option<(String, String)> {
    let path = path.canonicalize().ok()?;
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mount_of(&path, &mounts)
}

fn mount_of(path: &Path, mounts: &str) -> Option<(String, String)> {
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let _device = fields.next()?;
            // Spaces in mount points are written as `\040`.
            let point = fields.next()?.replace("\\040", " ");
            let kind = fields.next()?;
            Some((point, kind.to_string()))
        })
        .filter(|(point, _)| path.starts_with(point))
        .max_by_key(|(point, _)| point.len())
        .map(|(point, kind)| (kind, point))
}

/// Writes every dirty page to disk (`sync`) so that one run's writing
/// does not slow the next one down; untimed, before each timed run. A
/// no-op on tmpfs and where there is no `sync` command.
pub fn flush_disks() {
    let _ = Command::new("sync")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// `cores, CPU model` for the report's footer.
pub fn description() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        });
    match model {
        Some(model) => format!("{cores} cores ({model})"),
        None => format!("{cores} cores"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_mount_point_holding_the_path_names_its_file_system() {
        let mounts = "/dev/vda / ext4 rw 0 0\n\
                      tmpfs /dev/shm tmpfs rw 0 0\n\
                      tmpfs /dev/shm/my\\040disk tmpfs rw 0 0\n";
        assert_eq!(
            mount_of(Path::new("/dev/shm/bench/site"), mounts),
            Some(("tmpfs".to_string(), "/dev/shm".to_string()))
        );
        assert_eq!(
            mount_of(Path::new("/tmp/x"), mounts),
            Some(("ext4".to_string(), "/".to_string()))
        );
        assert_eq!(
            mount_of(Path::new("/dev/shm/my disk/x"), mounts),
            Some(("tmpfs".to_string(), "/dev/shm/my disk".to_string()))
        );
        // `/dev/shmem` is not inside `/dev/shm`.
        assert_eq!(
            mount_of(Path::new("/dev/shmem"), mounts).map(|m| m.0),
            Some("ext4".to_string())
        );
    }
}
