import LoRA

/// The head-only baseline (issue 11 part 6): the same task head trained on the frozen model with no adapters, so the
/// accuracy LoRA adds over it is visible. A head-only run has no targets, no layers, rank 0 and no LoRA parameters; its
/// data seed orders the batches and its init seed initialises the head, as in every run.
extension RunConfig {
    /// The LoRA parameters a head-only run carries: rank 0 and α 0. No adapter is built from them, and its identity
    /// writes `"lora": null` instead.
    public static let noAdapters = LoRAParameters(rank: 0, alpha: 0)

    /// How reports and run records label the head-only target set (in place of "q+v").
    public static let headOnlyLabel = "head-only"

    /// A head-only run of `model` on `task`.
    public static func headOnly(model: ModelSource, task: TaskSpec, training: TrainingSpec, dataSeed: UInt64,
                                initSeed: UInt64) -> RunConfig {
        RunConfig(model: model, task: task, targets: [], layers: [], lora: noAdapters, training: training, dataSeed: dataSeed,
                  initSeed: initSeed, trainableParameters: 0)
    }

    /// True for a head-only run (no adapters: only the task head trains).
    public var isHeadOnly: Bool { targets.isEmpty }

    /// Reads the fields of a head-only run's config (`"lora": null`): `targets` and `layers` must be `[]` and
    /// `trainableParameters` 0, so a file cannot claim adapters it does not have.
    static func readHeadOnly(_ o: JSONObjectReader) throws -> RunConfig {
        for key in ["targets", "layers"] {
            let k = try o.required(key)
            guard case .array(let a) = k.value, a.isEmpty else {
                throw k.error("must be [] when lora is null (a head-only run has no adapters), got \(k.shortDescription)")
            }
        }
        let p = try o.required("trainableParameters")
        if try p.int() != 0 { throw p.error("must be 0 when lora is null (a head-only run has no adapters), got \(p.shortDescription)") }
        return .headOnly(model: try ModelSource(reading: o.required("model")), task: try TaskSpec(reading: o.required("task")),
                         training: try TrainingSpec(reading: o.required("training")), dataSeed: try o.required("dataSeed").uint64(),
                         initSeed: try o.required("initSeed").uint64())
    }
}
