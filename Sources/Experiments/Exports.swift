/// Specs and run plans live in `ExperimentSpec`, run records, analyses and reports in `ExperimentReports`; running builds
/// on both, so importing `Experiments` brings them along (the command line and tests see one API).
@_exported import ExperimentReports
@_exported import ExperimentSpec
