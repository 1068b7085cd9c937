//! Connections: accept, read requests, route them, apply faults, write
//! answers. One thread per connection, keep-alive by default.

use std::io::{self, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::control::{self, After};
use crate::faults::{self, Kind};
use crate::http::{self, ReadError, Reply, Request, WECHAT_JSON};
use crate::state::Sandbox;
use crate::tls::Tls;
use crate::wechat;

/// An idle keep-alive connection is closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The interim answer to `Expect: 100-continue`.
const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";
/// A `hang` fault lets go of the connection after this long at the latest.
const HANG_LIMIT: Duration = Duration::from_secs(120);
/// The pace of a `trickle` fault.
const TRICKLE_PACE: Duration = Duration::from_secs(1);

/// A client connection, plain or TLS, with its socket for timeouts and
/// SO_LINGER.
pub trait Stream: Read + Write + Send + 'static {
    fn tcp(&self) -> &TcpStream;
}

impl Stream for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

/// Accepts connections until the process ends.
pub fn serve(listener: TcpListener, sandbox: Arc<Sandbox>, tls: Option<Tls>) {
    for incoming in listener.incoming() {
        let tcp = match incoming {
            Ok(tcp) => tcp,
            Err(e) => {
                // Out of descriptors or a connection reset before accept:
                // wait a little rather than spin.
                eprintln!("wxface-sandbox: accept failed: {e}");
                thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        sandbox.lock().counters.connections += 1;
        let sandbox = Arc::clone(&sandbox);
        let tls = tls.clone();
        let spawned = thread::Builder::new()
            .name("connection".into())
            .spawn(move || match tls {
                Some(tls) => match tls.accept(tcp) {
                    Ok(stream) => connection(stream, &sandbox),
                    Err(e) => eprintln!("wxface-sandbox: TLS setup failed: {e}"),
                },
                None => connection(tcp, &sandbox),
            });
        if let Err(e) = spawned {
            eprintln!("wxface-sandbox: cannot start a connection thread: {e}");
        }
    }
}

/// What the connection does after a request.
enum Flow {
    KeepAlive,
    Close,
    Shutdown,
}

fn connection<S: Stream>(stream: S, sandbox: &Arc<Sandbox>) {
    let tcp = stream.tcp();
    let peer = tcp.peer_addr().ok().map(|a| a.ip());
    // Failing to set these leaves the defaults (no timeout), which only
    // matters for a misbehaving client; keep serving.
    let _ = tcp.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = tcp.set_write_timeout(Some(IDLE_TIMEOUT));
    let _ = tcp.set_nodelay(true);
    let mut reader = BufReader::new(stream);
    let mut first = true;
    loop {
        let head = match http::read_head(&mut reader) {
            Ok(head) => head,
            Err(ReadError::Closed) => return,
            Err(ReadError::Refuse(status, why)) => {
                eprintln!("wxface-sandbox: refused a request: {status} {why}");
                let body = format!("{why}\n");
                let mut out = http::head(status, "text/plain", body.len(), false);
                out.extend_from_slice(body.as_bytes());
                let _ = reader.get_mut().write_all(&out);
                return;
            }
        };
        let mut request = head.request;
        request.peer = peer;
        if head.expect_continue
            && head.content_length > 0
            && reader.get_mut().write_all(CONTINUE).is_err()
        {
            return;
        }
        request.body = match http::read_body(&mut reader, head.content_length) {
            Ok(body) => body,
            Err(_) => return,
        };

        let started = Instant::now();
        let fault = admit(sandbox, &request, first);
        first = false;
        let fault_name = fault.as_ref().map_or("", Kind::name);
        let (status, flow) = match respond(sandbox, reader.get_mut(), &request, fault) {
            Ok(outcome) => outcome,
            Err(_) => (0, Flow::Close),
        };
        log(&request, status, fault_name, started);
        match flow {
            Flow::KeepAlive if request.keep_alive => continue,
            Flow::Shutdown => {
                eprintln!("wxface-sandbox: shutting down on request");
                std::process::exit(0);
            }
            _ => return,
        }
    }
}

/// Counts a WeChat request, remembers its body and takes a fault for it.
fn admit(sandbox: &Sandbox, request: &Request, first_on_connection: bool) -> Option<Kind> {
    if !wechat::is_wechat_path(&request.path) {
        return None;
    }
    let mut state = sandbox.lock();
    if first_on_connection {
        state.counters.api_connections += 1;
    }
    state.counters.count_request(&request.path);
    if request.method == "POST" {
        state.remember_body(&request.path, &request.body);
    }
    let fault = faults::take(&mut state.faults, &request.path);
    if fault.is_some() {
        state.counters.faults_applied += 1;
    }
    fault
}

/// Answers one request, through its fault if it has one. Returns the status
/// written (0 if none) and what to do next.
fn respond<S: Stream>(
    sandbox: &Arc<Sandbox>,
    stream: &mut S,
    request: &Request,
    fault: Option<Kind>,
) -> io::Result<(u16, Flow)> {
    // Faults that replace the answer.
    match &fault {
        Some(Kind::Hang) => {
            hang(stream);
            return Ok((0, Flow::Close));
        }
        Some(Kind::HttpStatus(status)) => {
            let reply = Reply::html(*status);
            return write_plain(stream, &reply, request.keep_alive)
                .map(|()| (reply.status, Flow::KeepAlive));
        }
        Some(Kind::Errcode(errcode, errmsg)) => {
            let reply = match errmsg {
                Some(m) => wechat::error_with(*errcode, m),
                None => wechat::error(*errcode),
            };
            return write_plain(stream, &reply, request.keep_alive)
                .map(|()| (200, Flow::KeepAlive));
        }
        Some(Kind::InvalidateToken) => sandbox.lock().tokens.invalidate_current(),
        Some(Kind::Delay(pause)) => thread::sleep(*pause),
        _ => {}
    }

    let (reply, after) = if wechat::is_wechat_path(&request.path) {
        (wechat::handle(sandbox, request), After::Continue)
    } else {
        control::handle(sandbox, request)
    };
    let flow = if after == After::Shutdown {
        Flow::Shutdown
    } else {
        Flow::KeepAlive
    };
    let keep_alive = request.keep_alive;

    // Faults that spoil the answer.
    match fault {
        Some(Kind::Reset) => {
            let half = reply.body.len() / 2;
            let mut out = http::head(
                reply.status,
                reply.content_type,
                reply.body.len(),
                keep_alive,
            );
            out.extend_from_slice(&reply.body[..half]);
            stream.write_all(&out)?;
            stream.flush()?;
            abort(stream.tcp());
            Ok((reply.status, Flow::Close))
        }
        Some(Kind::Truncated) => {
            let cut = &reply.body[..reply.body.len().div_ceil(2)];
            let mut out = http::head(200, reply.content_type, cut.len(), keep_alive);
            out.extend_from_slice(cut);
            stream.write_all(&out)?;
            Ok((200, flow))
        }
        Some(Kind::Huge) => {
            let body = faults::huge_body();
            stream.write_all(&http::head(200, WECHAT_JSON, body.len(), keep_alive))?;
            for chunk in body.chunks(64 * 1024) {
                stream.write_all(chunk)?;
            }
            Ok((200, flow))
        }
        Some(Kind::Trickle) => {
            stream.write_all(&http::head(
                reply.status,
                reply.content_type,
                reply.body.len(),
                keep_alive,
            ))?;
            stream.flush()?;
            for byte in &reply.body {
                thread::sleep(TRICKLE_PACE);
                stream.write_all(std::slice::from_ref(byte))?;
                stream.flush()?;
            }
            Ok((reply.status, flow))
        }
        Some(Kind::ContentType) => {
            let mut out = http::head(reply.status, "text/html", reply.body.len(), keep_alive);
            out.extend_from_slice(&reply.body);
            stream.write_all(&out)?;
            Ok((reply.status, flow))
        }
        Some(Kind::Empty) => {
            stream.write_all(&http::head(200, WECHAT_JSON, 0, keep_alive))?;
            Ok((200, flow))
        }
        Some(Kind::Edit(edit)) => {
            let body = faults::edit_body(&reply.body, &edit);
            let mut out = http::head(reply.status, reply.content_type, body.len(), keep_alive);
            out.extend_from_slice(&body);
            stream.write_all(&out)?;
            Ok((reply.status, flow))
        }
        _ => write_plain(stream, &reply, keep_alive).map(|()| (reply.status, flow)),
    }
}

fn write_plain<S: Stream>(stream: &mut S, reply: &Reply, keep_alive: bool) -> io::Result<()> {
    let mut out = http::head(
        reply.status,
        reply.content_type,
        reply.body.len(),
        keep_alive,
    );
    out.extend_from_slice(&reply.body);
    stream.write_all(&out)?;
    stream.flush()
}

/// Holds the connection without answering until the client leaves or the
/// limit passes.
fn hang<S: Stream>(stream: &mut S) {
    let _ = stream
        .tcp()
        .set_read_timeout(Some(Duration::from_millis(500)));
    let until = Instant::now() + HANG_LIMIT;
    let mut sink = [0u8; 4096];
    while Instant::now() < until {
        match stream.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(_) => return,
        }
    }
}

/// Arms a TCP reset rather than an orderly FIN for when the socket is
/// dropped, as a crashed proxy does.
fn abort(tcp: &TcpStream) {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: the descriptor belongs to `tcp`, alive for this call; the
        // option value is a properly sized, initialised `linger`.
        unsafe {
            libc::setsockopt(
                tcp.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    // Elsewhere an orderly shutdown is the closest we can come.
    #[cfg(not(unix))]
    let _ = tcp.shutdown(std::net::Shutdown::Both);
}

/// One line per request on stderr: method, path (never the query, which
/// carries the access token), status, fault and time. Bodies never.
fn log(request: &Request, status: u16, fault: &str, started: Instant) {
    let path: String = request.path.chars().take(80).collect();
    let fault = if fault.is_empty() {
        String::new()
    } else {
        format!(" fault={fault}")
    };
    eprintln!(
        "wxface-sandbox: {} {path} -> {}{fault} {}ms",
        request.method.chars().take(10).collect::<String>(),
        if status == 0 {
            "no answer".to_owned()
        } else {
            status.to_string()
        },
        started.elapsed().as_millis()
    );
}
