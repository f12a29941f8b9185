import LinearAlgebra
import Model

extension Objective {
    /// The objective of a task: a classifier over `classes` labels on mean-pooled final states with a fresh head of
    /// width `width` drawn from `headSeed`, or, without classes, the final hidden states themselves (planted rank).
    public static func forTask(classes: Int?, width: Int, headSeed: UInt64) -> Objective {
        guard let classes else { return .hiddenStates }
        return .classification(head: LinearHead(inFeatures: width, outFeatures: classes, seed: headSeed), pooling: .mean)
    }
}

extension TrainingStep {
    /// The training step of a LoRA run on `model` (adapters already attached): AdamW over every adapter's A and B and
    /// the objective's head, the head's parameters at `headLearningRateScale` × the step's learning rate.
    ///
    /// Written once so that a run, its step-time estimate, the benchmark and the tests train exactly the same step.
    public static func lora(model: any AdaptableModel, objective: Objective, hyperparameters: AdamW.Hyperparameters = .init(),
                            headLearningRateScale: Double = 1) -> TrainingStep {
        let parameters = trainableParameters(model: model, objective: objective)
        let headNames = Set(objective.head?.parameters.map(\.name) ?? [])
        let optimizer = AdamW(parameters: parameters, hyperparameters: hyperparameters,
                              learningRateScales: parameters.map { headNames.contains($0.name) ? headLearningRateScale : 1 })
        return TrainingStep(model: model, objective: objective, optimizer: optimizer)
    }
}
