//! Standard output that never panics: `println!` panics when the reader of a pipe has gone
//! away (`relearn analyze FILE | head`). Every command prints through `outln!` instead; a
//! closed pipe ends the program quietly with success, as Unix tools do.

use std::io::Write;

/// Writes one line to standard output; exits with status 0 if the pipe is closed.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        exit_if_closed(&e);
    }
}

/// Streams a value as pretty JSON to standard output (no copy of the text in memory); exits
/// with status 0 if the pipe is closed.
pub fn json_pretty<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = result {
        exit_if_closed(&e);
        return Err(e.into());
    }
    Ok(())
}

fn exit_if_closed(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
}

/// `println!` that does not panic on a closed pipe.
#[macro_export]
macro_rules! outln {
    () => { $crate::out::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::out::line(format_args!($($arg)*)) };
}
