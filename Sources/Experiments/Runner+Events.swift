import Foundation

/// Progress of a grid, as events (library code never prints; the CLI renders these as bars or plain lines).
public enum RunnerEvent: Sendable {
    /// The task's data is ready (sizes, label distributions, majority baselines).
    case taskReady(TaskSummary)
    /// Run `index` (1-based) of `total` starts; `resumeStep` is set when it continues from a checkpoint.
    case runStarting(index: Int, total: Int, id: String, resumeStep: Int?)
    /// A cached finished run is reused.
    case runCached(index: Int, total: Int, record: RunRecord)
    /// One optimizer step finished.
    case step(StepProgress)
    /// A validation pass finished.
    case evaluation(id: String, step: Int, metrics: [String: Double])
    /// A run ended (finished or diverged).
    case runFinished(index: Int, total: Int, record: RunRecord)
    /// A run was skipped because another process holds its lock.
    case runLocked(index: Int, total: Int, id: String)
    /// The rank search decided a step (every step once, in path order, as the finished runs decide it).
    case rankSearchDecided(RankSearchStep)
    /// The rank search stopped for this invocation: complete, or waiting for `path.next`.
    case rankSearchEnded(RankSearchPath)
    /// A finished run is being evaluated on `split` (`examples` examples) because the report reads that split.
    case splitEvaluation(id: String, split: String, examples: Int)
}

public struct StepProgress: Sendable {
    public let id: String
    public let step: Int
    public let totalSteps: Int
    public let loss: Double
    public let learningRate: Double
    public let gradientNorm: Double
    /// Real (non-padding) tokens per second of this step.
    public let tokensPerSecond: Double
    /// Seconds spent training this run so far (including earlier sessions before a resume).
    public let elapsed: Double
}

/// What a task's data looks like: recorded in `results/<spec>/task.json` and printed by the CLI.
public struct TaskSummary: Codable, Equatable, Sendable {
    public struct SplitSummary: Codable, Equatable, Sendable {
        public var split: String
        public var examples: Int
        public var meanTokens: Double
        /// Examples per label (classification tasks; empty for planted-rank).
        public var labelCounts: [String: Int]
        public var majorityLabel: String?
        public var majorityBaseline: Double?
        /// Examples longer than the task's `maxTokens` (with [CLS]/[SEP]) that were cut to it; nil when none were.
        public var truncated: Int? = nil
        /// The task's `maxTokens` when examples were truncated.
        public var maxTokens: Int? = nil
    }
    public var task: String
    public var labels: [String]
    public var splits: [SplitSummary]
}
