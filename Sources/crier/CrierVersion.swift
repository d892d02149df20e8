/// What `crier --version` prints: the release number and the git revision it was built from
/// (`buildRevision`, written before each build by the BuildRevision plugin).
enum CrierVersion {
    /// Raised with each release; the revision says exactly which commit between releases.
    static let number = "0.9.0"

    static var description: String { "crier \(number) (git \(buildRevision))" }
}
