//! Which requests the preview answers. A browser sends any page's requests
//! to 127.0.0.1 when told to, so two checks keep other sites out:
//!
//! - the `Host` header must be a loopback name (`localhost`, `127.0.0.1`,
//!   `[::1]`, `*.localhost`) or the name `--bind` gave: a DNS-rebinding
//!   page (`evil.example` resolving to 127.0.0.1) sends its own name, and
//!   gets 403 instead of the preview;
//! - the live-reload WebSocket, which browsers open across origins, must
//!   come from a page of the preview itself: its `Origin` names the host
//!   and port of the request.
//!
//! `--bind 0.0.0.0` (every interface) lets any host name through: the
//! preview is then served to whoever reaches the machine, as the console
//! warns.

use std::net::IpAddr;

/// The host names the server answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosts {
    /// Bound to every interface: any name.
    any: bool,
    /// Names besides the loopback ones (the `--bind` address or name).
    names: Vec<String>,
}

impl Default for Hosts {
    /// Loopback names only.
    fn default() -> Hosts {
        Hosts {
            any: false,
            names: Vec::new(),
        }
    }
}

impl Hosts {
    /// The names a server bound to `bind` answers to.
    pub fn for_bind(bind: &str) -> Hosts {
        let name = host_name(bind);
        let any = name.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        let names = if any || is_loopback(&name) {
            Vec::new()
        } else {
            vec![name]
        };
        Hosts { any, names }
    }

    /// Whether a request with this `Host` header is answered. A request
    /// without one (HTTP/1.0 tools) is: browsers always send it.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return true };
        if self.any {
            return true;
        }
        let name = host_name(host);
        is_loopback(&name) || self.names.contains(&name)
    }
}

/// Whether a WebSocket request comes from a page of this server: no
/// `Origin` (not a browser), or one whose host and port are the request's
/// `Host`. `Origin: null` (a sandboxed or local file page) is not.
pub fn same_origin(origin: Option<&str>, host: Option<&str>) -> bool {
    let Some(origin) = origin else { return true };
    let Some(host) = host else { return false };
    // Schemes and host names are case-insensitive (RFC 3986 §3.1, §3.2.2).
    let origin = origin.trim().to_ascii_lowercase();
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    authority.is_some_and(|a| a.trim_end_matches('/').eq_ignore_ascii_case(host.trim()))
}

/// `Example.org:8080` → `example.org`; `[::1]:9` → `::1`.
fn host_name(authority: &str) -> String {
    let a = authority.trim().to_ascii_lowercase();
    let name = match a.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => match a.rsplit_once(':') {
            // One colon and digits after it: a port. More colons: IPv6.
            Some((host, port))
                if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) =>
            {
                host
            }
            _ => &a,
        },
    };
    name.trim_end_matches('.').to_string()
}

fn is_loopback(name: &str) -> bool {
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_are_answered_and_others_are_not() {
        let hosts = Hosts::for_bind("127.0.0.1");
        for ok in [
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1:1111",
            "127.0.0.2",
            "[::1]:1111",
            "preview.localhost:80",
            "localhost.",
        ] {
            assert!(hosts.allows(Some(ok)), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "192.168.1.5:1111",
            "",
        ] {
            assert!(!hosts.allows(Some(bad)), "{bad}");
        }
        assert!(hosts.allows(None), "HTTP/1.0 tools send no Host");
    }

    #[test]
    fn bind_adds_its_own_name_and_every_interface_allows_any() {
        let lan = Hosts::for_bind("192.168.1.5");
        assert!(lan.allows(Some("192.168.1.5:1111")));
        assert!(lan.allows(Some("localhost:1111")));
        assert!(!lan.allows(Some("evil.example")));
        let named = Hosts::for_bind("Preview.Lan");
        assert!(named.allows(Some("preview.lan:1111")));
        for every in ["0.0.0.0", "::", "[::]"] {
            assert!(
                Hosts::for_bind(every).allows(Some("evil.example")),
                "{every}"
            );
        }
        assert_eq!(Hosts::for_bind("::1"), Hosts::default());
    }

    #[test]
    fn a_websocket_must_come_from_a_page_of_the_same_host_and_port() {
        let host = Some("localhost:1111");
        assert!(same_origin(Some("http://localhost:1111"), host));
        assert!(same_origin(Some("HTTP://LocalHost:1111"), host));
        assert!(same_origin(None, host), "not a browser");
        for bad in [
            "https://evil.example",
            "http://localhost:2222",
            "http://127.0.0.1:1111",
            "null",
            "file://",
        ] {
            assert!(!same_origin(Some(bad), host), "{bad}");
        }
        assert!(!same_origin(Some("http://localhost:1111"), None));
    }
}
