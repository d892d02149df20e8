import ArgumentParser
import CrierCore
import Foundation

/// `crier phone`: how Crier reads phone numbers, without a database. For checking a list
/// before an import, or why a guest's number was refused.
struct PhoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phone",
        abstract: "Show how Crier reads phone numbers (libphonenumber metadata \(NumberingPlans.metadataVersion)).",
        discussion: """
            Give numbers as arguments, or one per line on standard input. Each line of output says \
            whether Crier would text the number, its E.164 form, region and kind, or the reason it \
            is refused. --json prints one JSON object per number instead.
            """)

    @Option(name: .long, help: "The region numbers written without a country code belong to (a venue's default region).")
    var region: String = "GB"

    @Flag(name: .long, help: "One JSON object per number.")
    var json = false

    @Argument(help: "Numbers to read; none: read standard input.")
    var numbers: [String] = []

    func validate() throws {
        guard NumberingPlans.plan(region: region) != nil else {
            throw ValidationError("--region \(region) is not a region with a numbering plan (ISO 3166 codes such as GB, US, CH)")
        }
    }

    func run() throws {
        var refused = false
        func report(_ text: String) {
            let line = PhoneVerdict(text, region: region)
            refused = refused || line.error != nil
            print(json ? line.json : line.text)
        }
        if numbers.isEmpty {
            while let line = readLine(strippingNewline: true) { report(line) }
        } else {
            numbers.forEach(report)
        }
        if refused, !numbers.isEmpty { throw ExitCode(1) }
    }
}

/// One number's reading, for `crier phone`.
struct PhoneVerdict {
    let input: String
    var e164: String?
    var region: String?
    var kind: NumberKind?
    var mobile: PhoneNumber?
    var error: String?

    init(_ input: String, region home: String) {
        self.input = input
        do {
            let reading = try NumberReading(input, defaultRegion: home)
            e164 = reading.e164
            region = reading.region
            kind = reading.kind
            mobile = try reading.mobile()
        } catch {
            self.error = "Mobile " + error.message
        }
    }

    var text: String {
        if let mobile {
            return "\(input)\ttexts\t\(mobile.e164)\t\(region ?? "-")\t\(mobile.formatted(.international))"
        }
        return "\(input)\trefused\t\(e164 ?? "-")\t\(region ?? "-")\t\(error ?? "")"
    }

    var json: String {
        var fields: [String: JSONValue] = ["input": .string(input), "texts": .bool(mobile != nil)]
        if let e164 { fields["e164"] = .string(e164) }
        if let region { fields["region"] = .string(region) }
        if let kind { fields["kind"] = .string(kind.rawValue) }
        if let mobile {
            fields["national"] = .string(mobile.formatted(.national))
            fields["international"] = .string(mobile.formatted(.international))
        }
        if let error { fields["error"] = .string(error) }
        return JSONValue.object(fields).jsonText
    }
}
