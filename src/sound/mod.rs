//! The sound stage: every speech clip to one level (`level`), the stings
//! and beds as clips (`sounds`), where every clip sits (`timeline`), the
//! mix of speech, stings and beds (`mix`), and the master to the loudness
//! target.

pub mod level;
pub mod master;
pub mod mix;
pub mod sounds;
pub mod timeline;
