import CrierCore
import Foundation

/// Texts per day as a small SVG bar chart, drawn on the server (no JavaScript, no external
/// assets): for each day, bars for sent, delivered and failed. Only numbers and the range's
/// YYYY-MM-DD dates go into it.
struct MessageChart {
    /// Each day's texts, oldest first.
    let days: [DeliveryFigures]
    /// The first and last day's dates, under the chart's ends.
    var first = "30 days ago"
    var last = "today"
    static let width = 600.0, height = 160.0, bottom = 20.0

    /// A coordinate with one decimal.
    func n(_ value: Double) -> String { String(format: "%.1f", value) }

    var svg: String {
        let top = max(1, days.map(\.sent).max() ?? 0)
        let slot = Self.width / Double(max(1, days.count))
        let bar = max(1, (slot - 2) / 3)
        let scale = (Self.height - Self.bottom - 10) / Double(top)
        var marks = ""
        for (index, day) in days.enumerated() {
            let x = Double(index) * slot + 1
            for (offset, (value, css, label)) in [(day.sent, "sent", "sent"), (day.delivered, "delivered", "delivered"),
                                                  (day.failed, "failed", "failed")].enumerated() where value > 0 {
                let h = Double(value) * scale
                marks += #"<rect class="\#(css)" x="\#(n(x + Double(offset) * bar))" y="\#(n(Self.height - Self.bottom - h))" "#
                    + #"width="\#(n(bar))" height="\#(n(h))"><title>\#(value) \#(label)</title></rect>"#
            }
        }
        let total = days.reduce(0) { $0 + $1.sent }, delivered = days.reduce(0) { $0 + $1.delivered }, failed = days.reduce(0) { $0 + $1.failed }
        return """
            <svg class="chart" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" aria-label="Texts per day, \(first) to \(last): \(total) sent, \(delivered) delivered, \(failed) failed">\
            <line x1="0" y1="\(Self.height - Self.bottom)" x2="\(Self.width)" y2="\(Self.height - Self.bottom)" stroke="#d5dbe1"/>\
            \(marks)\
            <text x="4" y="\(Self.height - 5)" font-size="11" fill="#5d6b78">\(first)</text>\
            <text x="\(Self.width - 4)" y="\(Self.height - 5)" font-size="11" fill="#5d6b78" text-anchor="end">\(last)</text>\
            <text x="4" y="12" font-size="11" fill="#5d6b78">max \(top)/day</text></svg>
            """
    }
}
