import ArgumentParser
import Foundation
import LinearAlgebra

/// `experiment`: the harness's command line. Library modules never print; everything a user sees is written here.
@main
struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Reproduce the LoRA paper's Section 7 analyses (arXiv:2106.09685) on a small pre-trained transformer.",
        discussion: "Write a JSON spec (see experiments/specs/), then `experiment qv-rank` (or `experiment specs/qv-rank.json`) trains every run of its grid with real LoRA fine-tuning on CPU (OpenBLAS), caches the runs under results/<spec>/, and writes the Section 7 analyses (subspace similarity, projection and amplification, spectra) as CSV, Markdown and SVG.",
        version: harnessVersion,
        subcommands: [Run.self, Report.self, Evaluate.self, Submit.self, Status.self, Analyze.self, Inspect.self, Predict.self,
                      Bench.self, Tasks.self],
        defaultSubcommand: Run.self)
}

/// What `experiment --version` prints. Raise the number with every change of the command line, spec schema or
/// results layout.
let harnessVersion = "experiment 0.4.0 (LoRA Section 7 harness)"

/// Options every compute-heavy subcommand shares.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for training and analyses (default: $OPENBLAS_NUM_THREADS, else the number of cores: \(BLAS.defaultThreads)).")
    var threads: Int?

    func apply() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        let n = threads ?? BLAS.defaultThreads
        BLAS.threads = n
        Parallel.width = n
    }
}

/// A user-facing failure: message on stderr, exit status `code`.
struct CLIFailure: Error, CustomStringConvertible {
    let message: String
    let code: Int32
    var description: String { message }
}

extension ParsableCommand {
    /// Runs `body`, turning library errors into one clear message on stderr (`error: …`) and exit status `code`
    /// (a `CLIFailure` carries its own status).
    func reportingErrors(code: Int32 = 1, _ body: () throws -> Void) throws {
        do { try body() } catch let e as ValidationError { throw e } catch let e as CleanExit { throw e } catch let e as ExitCode { throw e } catch let e as CLIFailure {
            Console.error("error: \(e.message)")
            throw ExitCode(e.code)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(code)
        }
    }
}
