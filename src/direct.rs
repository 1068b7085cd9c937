//! The agent's TCP connections: the same requests and answers as ureq's
//! own, in fewer system calls and segments.
//!
//! - A pooled connection is checked with one call. Before a request on a
//!   pooled connection, and again when it goes back to the pool, ureq asks
//!   whether the server has closed it by switching the socket to
//!   non-blocking, reading one byte and switching it back: six calls per
//!   request. `recv` with `MSG_PEEK | MSG_DONTWAIT` asks the same question
//!   ("is anything, or the end, waiting?") in one and leaves the socket's
//!   mode alone; the answer is read the same way: nothing waiting is open,
//!   unasked bytes, the end or an error is closed. (Windows has no
//!   `MSG_DONTWAIT` and keeps ureq's way.)
//! - A request's head and body leave in one segment. ureq hands the head
//!   and the body over one after the other; each write is held until the
//!   next one comes or an answer is awaited, then both go in one gathering
//!   send. The server gets the whole request in one packet instead of two,
//!   which saves a send here and a wake-up and a read there.
//!
//! Everything else is ureq's: proxies (a CONNECT proxy's own connection is
//! made by this chain too; a SOCKS5 proxy's refusals are named as proxy
//! failures, see [`Socks`]), TLS over these connections, timeouts as ureq
//! passes them.

use std::io::{self, Read};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::time::Duration as Budget;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
};

/// The least time one address of several gets to answer.
const MIN_PER_ADDRESS: Duration = Duration::from_millis(10);

/// Takes the place of ureq's `TcpConnector` in the chain: a connection an
/// earlier link made (a SOCKS proxy's) passes through untouched.
#[derive(Debug, Default)]
pub struct DirectTcp;

impl<In: Transport> Connector<In> for DirectTcp {
    type Out = Either<In, Direct>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if chained.is_some() {
            return Ok(chained.map(Either::A));
        }
        let stream = connect_any(&details.addrs, &details.timeout)?;
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(Direct {
            stream,
            buffers,
            read: None,
            write: None,
            held: Vec::new(),
        })))
    }
}

/// Tries the addresses in order, sharing the connect budget between those
/// left so that one unanswering address cannot use all of it; the next one
/// is tried after a refusal, an unreachable network or a timeout.
fn connect_any(addrs: &[SocketAddr], budget: &NextTimeout) -> Result<TcpStream, ureq::Error> {
    let started = Instant::now();
    let total = time_left(budget)?;
    let mut last = None;
    for (i, addr) in addrs.iter().enumerate() {
        let attempt = match total {
            None => TcpStream::connect(addr),
            Some(total) => {
                let left = total.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(ureq::Error::Timeout(budget.reason));
                }
                let share = left / u32::try_from(addrs.len() - i).unwrap_or(u32::MAX);
                TcpStream::connect_timeout(addr, share.max(MIN_PER_ADDRESS).min(left))
            }
        };
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                last = Some(ureq::Error::Timeout(budget.reason))
            }
            Err(e) if another_address_may_answer(&e) => last = Some(ureq::Error::Io(e)),
            Err(e) => return Err(ureq::Error::Io(e)),
        }
    }
    Err(last.unwrap_or_else(|| {
        ureq::Error::Io(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            "no address to connect to",
        ))
    }))
}

/// Failures that concern the address tried, not the host: a host whose
/// IPv6 address has no route may still answer on its IPv4 one.
fn another_address_may_answer(e: &io::Error) -> bool {
    use io::ErrorKind as K;
    // A firewall or VPN may refuse an address family with WSAEACCES.
    #[cfg(windows)]
    if e.raw_os_error() == Some(10013) {
        return true;
    }
    matches!(
        e.kind(),
        K::ConnectionRefused
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::NetworkDown
            | K::AddrNotAvailable
    )
}

/// A TCP connection with the one-call check.
pub struct Direct {
    stream: TcpStream,
    buffers: LazyBuffers,
    /// The timeouts the socket has, so that each is set only when it changes.
    read: Option<Duration>,
    write: Option<Duration>,
    /// Output held back until more comes or an answer is awaited, so that
    /// a request's head and its body leave in one segment.
    held: Vec<u8>,
}

/// The peer's address only: the buffers and the held output hold requests
/// (access tokens in URLs, names and ID numbers in bodies), which no debug
/// line may show.
impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Direct")
            .field("peer", &self.stream.peer_addr().ok())
            .finish_non_exhaustive()
    }
}

/// The time `timeout` leaves, `None` for no bound; a bound already reached
/// is the timeout itself.
fn time_left(timeout: &NextTimeout) -> Result<Option<Duration>, ureq::Error> {
    match timeout.after {
        Budget::NotHappening => Ok(None),
        Budget::Exact(d) if d.is_zero() => Err(ureq::Error::Timeout(timeout.reason)),
        Budget::Exact(d) => Ok(Some(d)),
    }
}

fn io_failure(e: io::Error, timeout: &NextTimeout) -> ureq::Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ureq::Error::Timeout(timeout.reason),
        _ => ureq::Error::Io(e),
    }
}

/// The most output held back: a request's head, never a large body.
const HOLD_AT_MOST: usize = 16 * 1024;

impl Direct {
    fn set_write_timeout(&mut self, timeout: &NextTimeout) -> Result<(), ureq::Error> {
        let left = time_left(timeout)?;
        let stream = &self.stream;
        Ok(keep(&mut self.write, left, |t| {
            stream.set_write_timeout(t)
        })?)
    }
}

/// Gives the socket the timeout `left` through `set` unless `has`, what
/// it was last given, is that already; `has` follows.
fn keep(
    has: &mut Option<Duration>,
    left: Option<Duration>,
    set: impl FnOnce(Option<Duration>) -> io::Result<()>,
) -> io::Result<()> {
    if left != *has {
        set(left)?;
        *has = left;
    }
    Ok(())
}

/// Writes `a` then `b` with as few system calls as the socket allows (one,
/// unless it takes less than all).
fn write_both(stream: &TcpStream, a: &[u8], b: &[u8]) -> io::Result<()> {
    send_all(a, b, |a, b| send_two(stream, a, b))
}

/// Calls `send` until it has taken all of `a` then all of `b`.
fn send_all(
    mut a: &[u8],
    mut b: &[u8],
    mut send: impl FnMut(&[u8], &[u8]) -> io::Result<usize>,
) -> io::Result<()> {
    while !a.is_empty() || !b.is_empty() {
        let n = match send(a, b) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let from_a = n.min(a.len());
        a = &a[from_a..];
        b = &b[n - from_a..];
    }
    Ok(())
}

/// One gathering send. On Linux `sendmsg` with MSG_NOSIGNAL, as std's own
/// `write` sends: `writev` would raise SIGPIPE on a connection the server
/// closed, which ends a host process that does not ignore it (C programs
/// do not by default).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn send_two(stream: &TcpStream, a: &[u8], b: &[u8]) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let mut iov = [
        libc::iovec {
            iov_base: a.as_ptr().cast_mut().cast(),
            iov_len: a.len(),
        },
        libc::iovec {
            iov_base: b.as_ptr().cast_mut().cast(),
            iov_len: b.len(),
        },
    ];
    // SAFETY: an all-zero msghdr is valid (no name, no control data).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = 2;
    // SAFETY: the socket this connection owns; the iovecs point into `a`
    // and `b`, which outlive the call, and sendmsg only reads them.
    let n = unsafe { libc::sendmsg(stream.as_raw_fd(), &msg, libc::MSG_NOSIGNAL) };
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

/// Elsewhere no signal is raised (Windows) or std's sockets opt out of it.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn send_two(mut stream: &TcpStream, a: &[u8], b: &[u8]) -> io::Result<usize> {
    use std::io::Write;
    stream.write_vectored(&[io::IoSlice::new(a), io::IoSlice::new(b)])
}

impl Transport for Direct {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if self.held.is_empty() && amount <= HOLD_AT_MOST {
            // ureq reuses its output buffer for what comes next: copied.
            self.held
                .extend_from_slice(&self.buffers.output()[..amount]);
            return Ok(());
        }
        let timeout = timeout.for_write();
        self.set_write_timeout(&timeout)?;
        let (held, output) = (&self.held[..], &self.buffers.output()[..amount]);
        write_both(&self.stream, held, output).map_err(|e| io_failure(e, &timeout))?;
        self.held.clear();
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if !self.held.is_empty() {
            let timeout = timeout.for_write();
            self.set_write_timeout(&timeout)?;
            write_both(&self.stream, &self.held, &[]).map_err(|e| io_failure(e, &timeout))?;
            self.held.clear();
        }
        let timeout = timeout.for_read();
        let left = time_left(&timeout)?;
        let stream = &self.stream;
        keep(&mut self.read, left, |t| stream.set_read_timeout(t))?;
        // The socket's timeout starts again at each read: one interrupted
        // by a signal (Go's runtime sends them to every thread) is resumed
        // with what is left of the bound, not with all of it.
        let started = Instant::now();
        let n = loop {
            match (&self.stream).read(self.buffers.input_append_buf()) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if let Some(bound) = left {
                        let rest = bound.saturating_sub(started.elapsed());
                        if rest.is_zero() {
                            return Err(ureq::Error::Timeout(timeout.reason));
                        }
                        let stream = &self.stream;
                        keep(&mut self.read, Some(rest), |t| stream.set_read_timeout(t))?;
                    }
                }
                r => break r.map_err(|e| io_failure(e, &timeout))?,
            }
        };
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    #[cfg(unix)]
    fn is_open(&mut self) -> bool {
        use std::os::fd::AsRawFd;
        let mut byte = 0u8;
        loop {
            // SAFETY: the socket this connection owns; one byte into a
            // local, and MSG_PEEK leaves it in the socket.
            let n = unsafe {
                libc::recv(
                    self.stream.as_raw_fd(),
                    std::ptr::addr_of_mut!(byte).cast(),
                    1,
                    libc::MSG_PEEK | libc::MSG_DONTWAIT,
                )
            };
            if n >= 0 {
                return false;
            }
            match io::Error::last_os_error().kind() {
                io::ErrorKind::Interrupted => continue,
                kind => return kind == io::ErrorKind::WouldBlock,
            }
        }
    }

    #[cfg(not(unix))]
    fn is_open(&mut self) -> bool {
        // No MSG_DONTWAIT on Windows: ureq's three calls.
        let mut byte = [0u8];
        let open = self.stream.set_nonblocking(true).is_ok()
            && matches!(self.stream.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        self.stream.set_nonblocking(false).is_ok() && open
    }

    fn is_tls(&self) -> bool {
        false
    }
}

/// ureq's default chain with [`DirectTcp`] in place of its TCP connector:
/// SOCKS and HTTP CONNECT proxies, TCP, then TLS when the URL is https.
pub fn connector() -> impl Connector<(), Out = impl Transport> {
    use ureq::unversioned::transport::{ConnectProxyConnector, RustlsConnector};
    ().chain(Socks::default())
        .chain(ConnectProxyConnector::default())
        .chain(DirectTcp)
        .chain(RustlsConnector::default())
}

/// What a SOCKS5 proxy's refusal of the user name or password becomes
/// (`ureq::Error::ConnectProxyFailed`), for the transport to name.
pub const SOCKS_CREDENTIALS_REFUSED: &str = "the SOCKS5 proxy refused the user name or password";

/// ureq's SOCKS connector, whose handshake failures are proxy failures.
///
/// ureq reports what a SOCKS5 proxy answered (credentials refused, a
/// request not allowed, a reply it cannot read) as plain I/O errors, which
/// would read as network failures; an HTTP proxy's refusals are
/// `ConnectProxyFailed`, and so are these now. Failing to reach the proxy
/// at all, and timeouts, stay what they are.
#[derive(Default)]
struct Socks(ureq::unversioned::transport::SocksConnector);

impl<In: Transport> Connector<In> for Socks {
    type Out = <ureq::unversioned::transport::SocksConnector as Connector<In>>::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        self.0.connect(details, chained).map_err(|e| match e {
            ureq::Error::Io(io) => match io.kind() {
                io::ErrorKind::PermissionDenied => {
                    ureq::Error::ConnectProxyFailed(SOCKS_CREDENTIALS_REFUSED.to_owned())
                }
                io::ErrorKind::Other | io::ErrorKind::InvalidData => {
                    ureq::Error::ConnectProxyFailed(format!("SOCKS5: {io}"))
                }
                _ => ureq::Error::Io(io),
            },
            other => other,
        })
    }
}

impl std::fmt::Debug for Socks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Socks")
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};

    use super::*;

    /// A connection to a loopback listener, and the listener's side of it.
    fn pair() -> (Direct, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stream = connect_any(&[addr], &within(5_000)).unwrap();
        let (server, _) = listener.accept().unwrap();
        let direct = Direct {
            stream,
            buffers: LazyBuffers::new(4096, 4096),
            read: None,
            write: None,
            held: Vec::new(),
        };
        (direct, server)
    }

    fn within(ms: u64) -> NextTimeout {
        NextTimeout {
            after: Budget::Exact(Duration::from_millis(ms)),
            ..NextTimeout::default()
        }
    }

    fn transmit(d: &mut Direct, bytes: &[u8]) {
        d.buffers.output()[..bytes.len()].copy_from_slice(bytes);
        d.transmit_output(bytes.len(), within(5_000)).unwrap();
    }

    /// What the server can read at once, without waiting.
    fn waiting(server: &TcpStream) -> Vec<u8> {
        server.set_nonblocking(true).unwrap();
        let mut buf = vec![0; 65536];
        let n = match (&*server).read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => 0,
            Err(e) => panic!("{e}"),
        };
        server.set_nonblocking(false).unwrap();
        buf.truncate(n);
        buf
    }

    #[test]
    fn a_head_and_its_body_reach_the_server_in_one_read() {
        let (mut d, server) = pair();
        transmit(&mut d, b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\n");
        assert_eq!(
            waiting(&server),
            b"",
            "the head is held until the body comes"
        );
        transmit(&mut d, b"body");
        assert_eq!(
            waiting(&server),
            b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\nbody"
        );
    }

    #[test]
    fn a_connection_debug_printed_shows_no_request() {
        let (mut d, _server) = pair();
        transmit(&mut d, b"POST /x?access_token=SECRET HTTP/1.1\r\n\r\n");
        let shown = format!("{d:?}");
        assert!(
            shown.starts_with("Direct { peer: Some(127.0.0.1:"),
            "{shown}"
        );
        assert!(
            !shown.contains("SECRET") && !shown.contains("80, 79, 83, 84"),
            "{shown}"
        );
    }

    #[test]
    fn held_output_goes_before_an_answer_is_awaited() {
        let (mut d, mut server) = pair();
        transmit(&mut d, b"GET / HTTP/1.1\r\n\r\n");
        let answer = std::thread::spawn(move || {
            let mut head = [0; 18];
            server.read_exact(&mut head).unwrap();
            server
                .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                .unwrap();
            (head, server)
        });
        assert!(d.await_input(within(5_000)).unwrap());
        let (head, _server) = answer.join().unwrap();
        assert_eq!(&head, b"GET / HTTP/1.1\r\n\r\n");
        assert!(d.buffers.input().starts_with(b"HTTP/1.1 204"));
    }

    #[test]
    fn a_large_body_arrives_whole_and_in_order() {
        let (mut d, mut server) = pair();
        let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            server.read_to_end(&mut got).unwrap();
            got
        });
        transmit(&mut d, b"HEAD");
        write_both(&d.stream, &d.held, &body).unwrap();
        d.held.clear();
        drop(d);
        let got = reader.join().unwrap();
        assert_eq!(&got[..4], b"HEAD");
        assert!(
            got[4..] == body[..],
            "{} bytes of {}",
            got.len() - 4,
            body.len()
        );
    }

    #[test]
    fn sends_that_take_part_are_resumed_where_they_stopped() {
        let mut sent = Vec::new();
        let mut calls = 0;
        send_all(b"head ", b"and body", |a, b| {
            calls += 1;
            if calls == 2 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let both: Vec<u8> = a.iter().chain(b).copied().take(3).collect();
            sent.extend_from_slice(&both);
            Ok(both.len())
        })
        .unwrap();
        assert_eq!(sent, b"head and body");
        let taken_nothing = send_all(b"x", b"", |_, _| Ok(0));
        assert_eq!(taken_nothing.unwrap_err().kind(), io::ErrorKind::WriteZero);
    }

    /// Whether the check says closed within a second: what the server did
    /// crosses loopback at once, but the kernel may take a moment.
    fn seen_closed(d: &mut Direct) -> bool {
        (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            !d.is_open()
        })
    }

    #[test]
    fn an_idle_connection_is_open() {
        let (mut d, _server) = pair();
        assert!(d.is_open());
        assert!(d.is_open(), "the check reads nothing");
    }

    #[test]
    fn a_connection_the_server_closed_is_not_open() {
        let (mut d, server) = pair();
        drop(server);
        assert!(seen_closed(&mut d));
    }

    #[test]
    fn a_connection_with_unasked_bytes_waiting_is_not_open() {
        let (mut d, mut server) = pair();
        server
            .write_all(b"HTTP/1.1 408 Request Timeout\r\n\r\n")
            .unwrap();
        assert!(seen_closed(&mut d));
    }

    #[test]
    fn the_next_address_is_tried_after_a_refusal() {
        let refused = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap();
        let s = connect_any(&[refused, open], &within(5_000)).unwrap();
        assert_eq!(s.peer_addr().unwrap(), open);
    }

    #[test]
    fn every_address_refused_is_the_last_refusal() {
        let refused = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        match connect_any(&[refused], &within(5_000)) {
            Err(ureq::Error::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_spent_connect_budget_is_a_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let spent = NextTimeout {
            after: Budget::Exact(Duration::ZERO),
            reason: ureq::Timeout::Connect,
            ..NextTimeout::default()
        };
        assert!(matches!(
            connect_any(&[addr], &spent),
            Err(ureq::Error::Timeout(ureq::Timeout::Connect))
        ));
    }

    #[test]
    fn a_read_past_its_bound_is_a_timeout() {
        let (mut d, _server) = pair();
        let t = NextTimeout {
            reason: ureq::Timeout::RecvResponse,
            ..within(50)
        };
        assert!(matches!(
            d.await_input(t),
            Err(ureq::Error::Timeout(ureq::Timeout::RecvResponse))
        ));
    }
}
