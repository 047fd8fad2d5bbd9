//! What a running container shows of itself: the TCP ports it listens on
//! (read from its `/proc/net/tcp` and `tcp6`), and whether its processes
//! run as root.

use std::collections::BTreeSet;

/// The ports in state LISTEN that the network can reach: bound to every
/// address or to one that is not loopback (a port on 127.0.0.1 is reachable
/// only from inside the container).
pub fn reachable_ports(proc_net_tcp: &str) -> BTreeSet<u16> {
    let mut ports = BTreeSet::new();
    for line in proc_net_tcp.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // `sl local_address rem_address st ...`; the header line has no `:`.
        let (Some(local), Some(state)) = (fields.get(1), fields.get(3)) else {
            continue;
        };
        let Some((address, port)) = local.split_once(':') else {
            continue;
        };
        if *state != "0A" || is_loopback(address) {
            continue;
        }
        if let Ok(port) = u16::from_str_radix(port, 16) {
            ports.insert(port);
        }
    }
    ports
}

/// `0100007F` (127.0.0.1, little-endian) or `::1` and `::ffff:127.x.x.x`
/// in the kernel's hex.
fn is_loopback(address: &str) -> bool {
    match address.len() {
        8 => address.ends_with("7F"),
        32 => {
            address == "00000000000000000000000001000000"
                || (address.starts_with("0000000000000000FFFF0000") && address.ends_with("7F"))
        }
        _ => false,
    }
}

/// Whether a process list (`uid command` lines) has a process of user 0.
pub fn root_processes(processes: &[(u32, String)]) -> Vec<&str> {
    processes
        .iter()
        .filter(|(uid, _)| *uid == 0)
        .map(|(_, command)| command.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_reachable_from_the_network() {
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 100 0 0 10 0
   2: 030011AC:0BB8 020011AC:C350 01 00000000:00000000 00:00000000 00000000  1000        0 3 1 0 20 4 30 10 -1
   3: 030011AC:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4 1 0 100 0 0 10 0
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1A0B 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5 1 0 100 0 0 10 0
   1: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6 1 0 100 0 0 10 0
";
        assert_eq!(
            reachable_ports(tcp).into_iter().collect::<Vec<_>>(),
            [3000, 6667, 9090]
        );
    }

    #[test]
    fn root_is_user_zero() {
        let processes = [(0, "nginx".to_owned()), (101, "nginx".to_owned())];
        assert_eq!(root_processes(&processes), ["nginx"]);
        assert!(root_processes(&[(999, "postgres".to_owned())]).is_empty());
    }
}
