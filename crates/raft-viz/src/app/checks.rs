//! A command's values, checked before anything changes: the network's probabilities
//! and latencies, and the election timeout's bounds.

use core::time::Duration;

use raft_sim::NetworkSettings;

use crate::command::{CommandError, NetworkChange};

/// The network after `change`, checked.
pub(super) fn network(
    now: &NetworkSettings,
    change: NetworkChange,
) -> Result<NetworkSettings, CommandError> {
    let mut n = now.clone();
    n.loss_ppm = ppm(change.loss, n.loss_ppm)?;
    n.duplicate_ppm = ppm(change.duplicate, n.duplicate_ppm)?;
    n.reorder_ppm = ppm(change.reorder, n.reorder_ppm)?;
    n.latency_min = latency(change.latency_min, n.latency_min)?;
    n.latency_max = latency(change.latency_max, n.latency_max)?;
    if n.latency_max < n.latency_min {
        return Err(CommandError::LatencyOrder);
    }
    Ok(n)
}

/// A probability in parts per million (`None` keeps `old`). Out of line, as are the
/// two below: each is called more than once.
#[inline(never)]
fn ppm(p: Option<f64>, old: u32) -> Result<u32, CommandError> {
    match p {
        None => Ok(old),
        Some(p) if p.is_finite() && (0.0..=1.0).contains(&p) => Ok((p * 1e6).round() as u32),
        Some(_) => Err(CommandError::Probability),
    }
}

/// A latency of at most 10 s (`None` keeps `old`).
#[inline(never)]
fn latency(v: Option<Duration>, old: Duration) -> Result<Duration, CommandError> {
    match v {
        None => Ok(old),
        Some(v) if v <= Duration::from_secs(10) => Ok(v),
        Some(_) => Err(CommandError::Latency),
    }
}

/// An election timeout bound, 1 ms to 60 s.
#[inline(never)]
pub(super) fn election_timeout(v: Duration) -> Result<Duration, CommandError> {
    if (Duration::from_millis(1)..=Duration::from_secs(60)).contains(&v) {
        Ok(v)
    } else {
        Err(CommandError::ElectionTimeout)
    }
}
