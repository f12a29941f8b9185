import Foundation

/// Learning-rate schedules over `totalSteps` optimizer steps, indexed from 0 like Hugging Face's
/// `get_linear_schedule_with_warmup` / `get_cosine_schedule_with_warmup` (the rate for step s is lr(s), so with warm-up
/// the very first step uses 0, exactly as a PyTorch loop calling `scheduler.step()` after `optimizer.step()` does).
public enum ScheduleKind: String, Codable, Sendable, CaseIterable {
    case linear, cosine, constant
}

public struct LearningRateSchedule: Codable, Equatable, Sendable {
    public var kind: ScheduleKind
    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(kind: ScheduleKind, peak: Double, warmupSteps: Int, totalSteps: Int) {
        self.kind = kind; self.peak = peak; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps
    }

    /// Warm-up as a fraction of the total steps (rounded down, as `int(0.1 * total)` in a typical HF script).
    public init(kind: ScheduleKind, peak: Double, warmupFraction: Double, totalSteps: Int) {
        self.init(kind: kind, peak: peak, warmupSteps: Int((warmupFraction * Double(totalSteps)).rounded(.down)), totalSteps: totalSteps)
    }

    /// lr(s): linear warm-up s/w·peak for s < w, then linear decay to 0 at `totalSteps`, a half cosine to 0, or constant.
    public func rate(at step: Int) -> Double {
        if step < warmupSteps { return peak * Double(step) / Double(max(1, warmupSteps)) }
        let progress = Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))
        switch kind {
        case .constant: return peak
        case .linear: return peak * max(0, 1 - progress)
        case .cosine: return peak * max(0, 0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
