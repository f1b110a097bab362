//! The BS.1770 loudness meter every level podgen reports is read with (the
//! ebur128 crate): integrated loudness and true peak over all channels, a
//! mono signal measured as one channel or as dual mono.

use ebur128::{Channel, EbuR128};

pub use ebur128::Mode;

use crate::PassError;

/// A loudness meter for one signal.
pub struct Meter(EbuR128);

impl Meter {
    /// A meter of `mode` for `channels` at `rate`; a mono signal counts
    /// twice (as heard on two speakers) when `dual_mono`.
    pub fn new(channels: u16, rate: u32, mode: Mode, dual_mono: bool) -> Result<Self, PassError> {
        let mut m = EbuR128::new(u32::from(channels), rate, mode)?;
        if channels == 1 && dual_mono {
            m.set_channel(0, Channel::DualMono)?;
        }
        Ok(Meter(m))
    }

    /// Interleaved whole frames, in order.
    pub fn add(&mut self, frames: &[f32]) -> Result<(), PassError> {
        Ok(self.0.add_frames_f32(frames)?)
    }

    /// Integrated loudness so far, LUFS; none where there is no signal.
    pub fn loudness(&self) -> Option<f64> {
        self.0.loudness_global().ok().filter(|l| l.is_finite())
    }

    /// The largest true peak over the channels, dBTP; none for silence.
    pub fn true_peak(&self) -> Option<f64> {
        let peak = (0..self.0.channels())
            .filter_map(|c| self.0.true_peak(c).ok())
            .fold(0.0f64, f64::max);
        (peak > 0.0).then(|| 20.0 * peak.log10())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sine_reads_its_level_and_silence_reads_nothing() {
        let rate = 48_000;
        // A full-scale 1 kHz sine reads -3.01 LUFS in one channel.
        let sine: Vec<f32> = (0..rate * 3)
            .map(|i| (std::f32::consts::TAU * 1000.0 * i as f32 / rate as f32).sin())
            .collect();
        let mut m = Meter::new(1, rate, Mode::I | Mode::TRUE_PEAK, false).unwrap();
        m.add(&sine).unwrap();
        assert!((m.loudness().unwrap() + 3.01).abs() < 0.05);
        assert!(m.true_peak().unwrap().abs() < 0.1);
        let mut dual = Meter::new(1, rate, Mode::I, true).unwrap();
        dual.add(&sine).unwrap();
        assert!((dual.loudness().unwrap() - m.loudness().unwrap() - 3.01).abs() < 0.01);
        let mut quiet = Meter::new(2, rate, Mode::I | Mode::TRUE_PEAK, false).unwrap();
        quiet.add(&vec![0.0; 2 * rate as usize]).unwrap();
        assert_eq!((quiet.loudness(), quiet.true_peak()), (None, None));
    }
}
