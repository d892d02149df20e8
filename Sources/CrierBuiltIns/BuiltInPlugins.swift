import Contacts
import Exports
import CrierPluginKit
import Telnyx
import Timeline
import Twilio
import Vonage

/// The plugins built into this binary, in the order their navigation entries and providers are
/// listed. Adding a plugin is its folder, its target, and one line here (DESIGN.md section 7).
/// A library of its own so that `crier` and `crier-bench` load exactly the same set.
public enum BuiltInPlugins {
    public static let all: [any CrierPlugin.Type] = [
        TwilioPlugin.self,
        VonagePlugin.self,
        TelnyxPlugin.self,
        ContactsPlugin.self,
        TimelinePlugin.self,
        ExportsPlugin.self,
    ]
}
