// swift-tools-version:6.0
// LoRA Section 7 harness: real LoRA fine-tuning of a Hugging Face BERT-family checkpoint on CPU
// (OpenBLAS + LAPACKE), then the analyses of Hu et al., arXiv:2106.09685 v2, Section 7 and App. H.
//
// Pipeline, one module per concept, in reading order:
//   Support, LinearAlgebra → SafeTensors, GGUF, Tokenization → Model → LoRA → Training → Tasks → Analysis
//   → ExperimentSpec (specs, plans) → ExperimentReports (run records, analyses, reports, claims) → Experiments (running)
//   → ExperimentCLI
import PackageDescription

/// The modules a training step runs through are compiled optimised (`-O`) in debug builds too, so the command
/// researchers type, `swift run experiment specs/qv-rank.json`, trains at release speed (a -Onone build ran `bench` at a
/// ninth of it). The debug configuration still passes `-enable-testing` (tests keep `@testable import`) and `-g`; the
/// command line, reports and analyses (`ExperimentCLI`, `Experiments`, `Analysis`) and every test stay unoptimised and
/// step through in a debugger as before. `swift build -c release` is unaffected.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "LoRAHarness",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "experiment", targets: ["ExperimentCLI"]),
        .library(name: "LoRAHarness", targets: ["Support", "LinearAlgebra", "SafeTensors", "GGUF", "Tokenization", "Model", "LoRA",
                                                "Training", "Tasks", "Analysis", "ExperimentSpec", "ExperimentReports", "Experiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The only C in the project: OpenBLAS's CBLAS, LAPACKE and libmvec, reached through LinearAlgebra.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE", pkgConfig: "lapacke",
                       providers: [.apt(["liblapacke-dev"])]),
        // glibc's libmvec (vector erf/exp for GELU), declared in a header of its own.
        .systemLibrary(name: "CVectorMath", path: "Sources/CVectorMath"),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS", "CLAPACKE", "CVectorMath"], swiftSettings: optimisedInDebug),
        .target(name: "Support", swiftSettings: optimisedInDebug),
        .target(name: "SafeTensors", dependencies: ["Support"], swiftSettings: optimisedInDebug),
        .target(name: "GGUF", dependencies: ["Support"], swiftSettings: optimisedInDebug),
        .target(name: "Tokenization", dependencies: ["Support", "GGUF"], swiftSettings: optimisedInDebug),
        .target(name: "LoRA", dependencies: ["Support", "LinearAlgebra", "SafeTensors"], swiftSettings: optimisedInDebug),
        .target(name: "Model", dependencies: ["Support", "LinearAlgebra", "SafeTensors", "GGUF", "Tokenization", "LoRA"], swiftSettings: optimisedInDebug),
        .target(name: "Training", dependencies: ["Support", "LinearAlgebra", "Model", "LoRA"], swiftSettings: optimisedInDebug),
        .target(name: "Tasks", dependencies: ["Support", "LinearAlgebra", "Tokenization", "Model", "LoRA"], swiftSettings: optimisedInDebug),
        .target(name: "Analysis", dependencies: ["Support", "LinearAlgebra"]),
        // Experiments, by concept: specs and run planning (strict JSON, run configs and ids, plans); reporting and claims
        // (run records, the analysis engine, reports, claims, notebooks); running (the runner, Slurm, benchmark, predict).
        .target(name: "ExperimentSpec", dependencies: ["Support", "LinearAlgebra", "LoRA", "Training", "Tasks", "Analysis"]),
        .target(name: "ExperimentReports", dependencies: ["Support", "LinearAlgebra", "SafeTensors", "Model", "LoRA", "Analysis",
                                                          "ExperimentSpec"]),
        .target(name: "Experiments", dependencies: ["Support", "LinearAlgebra", "SafeTensors", "Tokenization", "Model", "LoRA",
                                                    "Training", "Tasks", "Analysis", "ExperimentSpec", "ExperimentReports", "GGUF"]),
        .executableTarget(name: "ExperimentCLI", dependencies: [
            "Support", "Experiments", "Model", "LoRA", "Training", "Tasks", "Analysis", "LinearAlgebra", "Tokenization",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors", "Support"]),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "Support"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "GGUF"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "LoRA", "LinearAlgebra", "SafeTensors", "GGUF", "Tokenization"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Model", "LoRA", "LinearAlgebra"]),
        .testTarget(name: "TasksTests", dependencies: ["Tasks", "Tokenization", "Model", "LoRA", "LinearAlgebra", "Training", "GGUF"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "LinearAlgebra"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["ExperimentSpec", "ExperimentReports", "Experiments", "Analysis", "Training", "Tasks", "Model", "LoRA", "LinearAlgebra", "SafeTensors"]),
        // Runs the built `experiment` binary: exit statuses, messages and files of the malformed-input corpus.
        .testTarget(name: "ExperimentCLITests", dependencies: ["ExperimentCLI", "Model", "LoRA", "SafeTensors", "Support"]),
    ],
    swiftLanguageModes: [.v5]
)
