import ArgumentParser

/// Which token cache: shared by `login`, `logout` and every command that talks to the API.
struct ProfileOptions: ParsableArguments {
    @Option(help: "Token cache profile: one sign-in each (default \"default\"; file $XDG_CONFIG_HOME/referral-bulk/NAME.json).")
    var profile: String?
    @Option(help: "Token cache file, instead of the profile's.") var tokenCache: String?

    func validate() throws {
        if let profile, profile.isEmpty || profile.contains("/") || profile.hasPrefix(".") {
            throw ValidationError("--profile must be a name without '/' that does not start with '.', not '\(profile)'.")
        }
    }
}
