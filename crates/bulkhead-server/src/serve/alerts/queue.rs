//! The bounded alert queue and its delivery task. Messages wait in order; the head is
//! retried with exponential backoff until the endpoint accepts it, so an endpoint that is
//! down delays alerts and loses none — until the queue is full: then a new message is
//! refused (counted in `bulkhead_alerts_dropped_total`) and its findings are offered
//! again after the next scan.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{watch, Notify};

use super::deliver::Endpoint;
use crate::serve::metrics::Metrics;

/// One message: its body and how many findings it carries.
#[derive(Clone, Debug)]
pub struct Message {
    pub body: Bytes,
    pub findings: usize,
}

/// Retry timing: `first`, doubled after each failure, never more than `max`.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// The wait after `failures` failures in a row (1 or more).
    pub fn after(&self, failures: u32) -> Duration {
        let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(20));
        self.first.saturating_mul(factor).min(self.max)
    }
}

/// Messages waiting, shared by the scheduler (which pushes) and the delivery task.
pub struct Queue {
    capacity: usize,
    messages: Mutex<VecDeque<Message>>,
    wake: Notify,
    metrics: Arc<Metrics>,
}

impl Queue {
    pub fn new(capacity: usize, metrics: Arc<Metrics>) -> Arc<Queue> {
        let capacity = capacity.max(1);
        metrics.alerts.capacity.set(capacity as i64);
        Arc::new(Queue {
            capacity,
            messages: Mutex::new(VecDeque::new()),
            wake: Notify::new(),
            metrics,
        })
    }

    /// Adds a message at the back; `false` (and counted as dropped) when the queue is full.
    pub fn push(&self, message: Message) -> bool {
        let Ok(mut messages) = self.messages.lock() else {
            return false;
        };
        if messages.len() >= self.capacity {
            self.metrics.alerts.dropped.inc();
            return false;
        }
        messages.push_back(message);
        self.metrics.alerts.queued.set(messages.len() as i64);
        drop(messages);
        self.wake.notify_one();
        true
    }

    pub fn len(&self) -> usize {
        self.messages.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn front(&self) -> Option<Message> {
        self.messages.lock().ok()?.front().cloned()
    }

    fn pop(&self) {
        if let Ok(mut messages) = self.messages.lock() {
            messages.pop_front();
            self.metrics.alerts.queued.set(messages.len() as i64);
        }
    }

    /// Delivers messages in order until `stop` turns true. On stop, what is still queued
    /// stays queued (the caller reports it).
    pub async fn deliver(
        self: Arc<Self>,
        endpoint: Endpoint,
        backoff: Backoff,
        mut stop: watch::Receiver<bool>,
    ) {
        let mut failures = 0u32;
        loop {
            if *stop.borrow() {
                return;
            }
            let Some(message) = self.front() else {
                tokio::select! {
                    _ = self.wake.notified() => continue,
                    _ = stop.changed() => return,
                }
            };
            match endpoint.post(message.body.clone()).await {
                Ok(()) => {
                    failures = 0;
                    self.pop();
                    self.metrics.alerts.sent.inc();
                    self.metrics
                        .alerts
                        .findings_sent
                        .inc_by(message.findings as u64);
                }
                Err(reason) => {
                    failures += 1;
                    self.metrics.alerts.delivery_failures.inc();
                    let wait = backoff.after(failures);
                    eprintln!(
                        "bulkhead: alert delivery failed ({reason}); retrying in {:.1}s, {} message{} queued",
                        wait.as_secs_f64(),
                        self.len(),
                        if self.len() == 1 { "" } else { "s" }
                    );
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stop.changed() => return,
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let b = Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        let waits: Vec<u128> = (1..=6).map(|n| b.after(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(b.after(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn a_full_queue_refuses_and_counts() {
        let metrics = Arc::new(Metrics::default());
        let queue = Queue::new(2, Arc::clone(&metrics));
        let m = || Message {
            body: Bytes::from_static(b"{}"),
            findings: 1,
        };
        assert!(queue.push(m()));
        assert!(queue.push(m()));
        assert!(!queue.push(m()));
        assert_eq!(queue.len(), 2);
        assert_eq!(metrics.alerts.dropped.get(), 1);
        assert_eq!(metrics.alerts.queued.get(), 2);
    }
}
