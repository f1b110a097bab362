//! The speech stage: the backends (`tts`), the synthesis of every segment
//! within their limits, with retries (`synthesize`), and the clip cache.

pub mod cache;
pub mod synthesize;
pub mod tts;
