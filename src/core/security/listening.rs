//! What a running container shows of itself: the ports it listens on
//! (read from its `/proc/net/tcp`, `tcp6`, `udp` and `udp6`), the ports its
//! description declares, and whether its processes run as root.

use std::collections::BTreeSet;

/// A socket's transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Transport {
    Tcp,
    Udp,
}

/// A port and its transport: `9229` or `5353/udp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Port {
    pub transport: Transport,
    pub number: u16,
}

impl std::fmt::Display for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.transport {
            Transport::Tcp => write!(f, "{}", self.number),
            Transport::Udp => write!(f, "{}/udp", self.number),
        }
    }
}

/// The ports that the network can reach: TCP sockets in state LISTEN
/// (`0A`) and UDP sockets bound and unconnected (`07`), on every address or
/// on one that is not loopback (a port on 127.0.0.1 is reachable only from
/// inside the container). `proc_net` is the text of the kernel's tables in
/// any order: each table's header tells its transport (UDP's ends with
/// `drops`).
pub fn reachable_ports(proc_net: &str) -> BTreeSet<Port> {
    let mut ports = BTreeSet::new();
    let mut transport = Transport::Tcp;
    for line in proc_net.lines() {
        if line.contains("local_address") {
            transport = if line.trim_end().ends_with("drops") {
                Transport::Udp
            } else {
                Transport::Tcp
            };
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        // `sl local_address rem_address st ...`
        let (Some(local), Some(state)) = (fields.get(1), fields.get(3)) else {
            continue;
        };
        let Some((address, port)) = local.split_once(':') else {
            continue;
        };
        let listening = match transport {
            Transport::Tcp => "0A",
            Transport::Udp => "07",
        };
        if *state != listening || is_loopback(address) {
            continue;
        }
        if let Ok(number) = u16::from_str_radix(port, 16)
            && number != 0
        {
            ports.insert(Port { transport, number });
        }
    }
    ports
}

/// The container ports that Compose `ports` and `expose` entries (passed
/// through `compose:`) declare: `"8080:80"`, `"53/udp"`,
/// `"127.0.0.1:9000-9001:9000-9001/tcp"`, `{target: 53, protocol: udp}`;
/// without a protocol, TCP.
pub fn compose_ports(ports: &[serde_json::Value]) -> BTreeSet<Port> {
    let mut declared = BTreeSet::new();
    for entry in ports {
        let (range, protocol) = match entry {
            serde_json::Value::Object(fields) => {
                let text = |name: &str| match fields.get(name) {
                    Some(serde_json::Value::String(text)) => Some(text.clone()),
                    Some(serde_json::Value::Number(number)) => Some(number.to_string()),
                    _ => None,
                };
                let Some(target) = text("target") else {
                    continue;
                };
                (target, text("protocol").unwrap_or_default())
            }
            serde_json::Value::Number(number) => (number.to_string(), String::new()),
            serde_json::Value::String(text) => {
                let (mapping, protocol) = text.split_once('/').unwrap_or((text, ""));
                // The container side is the last part; an IPv6 host address has colons too.
                let target = mapping.rsplit(':').next().unwrap_or(mapping);
                (target.to_owned(), protocol.to_owned())
            }
            _ => continue,
        };
        let transport = match protocol.to_ascii_lowercase().as_str() {
            "" | "tcp" => Transport::Tcp,
            "udp" => Transport::Udp,
            _ => continue,
        };
        let (first, last) = range.split_once('-').unwrap_or((&range, &range));
        let (Ok(first), Ok(last)) = (first.trim().parse::<u16>(), last.trim().parse::<u16>())
        else {
            continue;
        };
        for number in first..=last {
            declared.insert(Port { transport, number });
        }
    }
    declared
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
        let ports: Vec<String> = reachable_ports(tcp).iter().map(Port::to_string).collect();
        assert_eq!(ports, ["3000", "6667", "9090"]);
    }

    /// A container's four tables as `cat /proc/net/tcp /proc/net/tcp6
    /// /proc/net/udp /proc/net/udp6` prints them (Linux 6.1): a TCP
    /// listener on 8080; UDP bound on every address (5353), on loopback
    /// (8125), a connected UDP socket (a DNS query) and, in udp6, a socket
    /// on every address (4789).
    const FOUR_TABLES: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 11 1 0 100 0 0 10 0
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  101: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 12 2 0000000000000000 0
  102: 0100007F:1FBD 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 13 2 0000000000000000 0
  103: 030011AC:D431 0B0011AC:0035 01 00000000:00000000 00:00000000 00000000  1000        0 14 2 0000000000000000 0
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  104: 00000000000000000000000000000000:12B5 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 15 2 0000000000000000 0
";

    #[test]
    fn udp_sockets_bound_and_unconnected_are_listeners() {
        let ports: Vec<String> = reachable_ports(FOUR_TABLES)
            .iter()
            .map(Port::to_string)
            .collect();
        assert_eq!(ports, ["8080", "4789/udp", "5353/udp"]);
    }

    #[test]
    fn a_tcp_listener_in_state_07_is_not_a_udp_one() {
        // State 07 in a TCP table is a closed socket.
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0
";
        assert!(reachable_ports(tcp).is_empty());
    }

    #[test]
    fn compose_entries_declare_ports_with_their_protocol() {
        let entries: Vec<serde_json::Value> = serde_json::from_str(
            r#"["9229:9229", "5353/udp", "127.0.0.1:7000-7001:8000-8001/tcp", "[::1]:6000:6060",
                53, {"target": 514, "protocol": "udp"}, {"target": "443", "published": 8443},
                "9999/sctp", {"published": 1}]"#,
        )
        .expect("JSON");
        let declared: Vec<String> = compose_ports(&entries)
            .iter()
            .map(Port::to_string)
            .collect();
        assert_eq!(
            declared,
            [
                "53", "443", "6060", "8000", "8001", "9229", "514/udp", "5353/udp"
            ]
        );
    }

    #[test]
    fn root_is_user_zero() {
        let processes = [(0, "nginx".to_owned()), (101, "nginx".to_owned())];
        assert_eq!(root_processes(&processes), ["nginx"]);
        assert!(root_processes(&[(999, "postgres".to_owned())]).is_empty());
    }
}
