import Foundation

/// Whether a training run has converged, read from its validation curve (issue 11 part 1: "training to convergence
/// by a stated criterion").
///
/// The rule: a run has converged when every validation pass in the last `window` of training (steps ≥ (1 − window)·T,
/// T the planned steps) lies within `tolerance` of the final pass, relatively: max |yₜ − y_T| / |y_T| ≤ tolerance.
/// A learning curve that still falls by more than `tolerance` over the last fifth of training would, continued, have
/// reached a different model; one that moves by less has settled at the scale the rule allows. The rule needs the final
/// pass (at step T) and at least one earlier pass in the window; otherwise it cannot decide ("undetermined": evaluate
/// more often, e.g. `evalEvery` ≤ T/10), and a run whose curve stops before T (diverged) is undetermined too.
public struct ConvergenceCriterion: Equatable, Sendable {
    /// Largest relative deviation from the final value allowed in the window (default 1 %).
    public var tolerance: Double
    /// Fraction of training, at its end, the rule reads (default the last fifth).
    public var window: Double

    public init(tolerance: Double = 0.01, window: Double = 0.2) {
        self.tolerance = tolerance
        self.window = window
    }

    public enum Verdict: String, Sendable { case converged, notConverged = "not converged", undetermined }

    public struct Result: Equatable, Sendable {
        public var verdict: Verdict
        /// max |yₜ − y_T| / |y_T| over the window's passes (nil when undetermined).
        public var largestDeviation: Double?
        /// Validation passes in the window, the final one included.
        public var passesInWindow: Int

        public init(verdict: Verdict, largestDeviation: Double?, passesInWindow: Int) {
            self.verdict = verdict
            self.largestDeviation = largestDeviation
            self.passesInWindow = passesInWindow
        }
    }

    /// First step of the window: ⌈(1 − window)·T⌉.
    public func windowStart(totalSteps: Int) -> Int { Int((Double(totalSteps) * (1 - window)).rounded(.up)) }

    /// Applies the rule to a curve of (step, value) passes (any order) of a run planned for `totalSteps` steps.
    public func evaluate(_ curve: [(step: Int, value: Double)], totalSteps: Int) -> Result {
        let start = windowStart(totalSteps: totalSteps)
        let inWindow = curve.filter { $0.step >= start && $0.step <= totalSteps }.sorted { $0.step < $1.step }
        guard let last = inWindow.last, last.step == totalSteps, inWindow.count >= 2, last.value.isFinite, last.value != 0,
              inWindow.allSatisfy({ $0.value.isFinite }) else {
            return Result(verdict: .undetermined, largestDeviation: nil, passesInWindow: inWindow.count)
        }
        let deviation = inWindow.map { abs($0.value - last.value) / abs(last.value) }.max()!
        return Result(verdict: deviation <= tolerance ? .converged : .notConverged, largestDeviation: deviation,
                      passesInWindow: inWindow.count)
    }
}
