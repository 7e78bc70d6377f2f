import Glibc

/// Where `apply --sandbox` keeps its referrals: `<state dir>/sandbox-referrals.jsonl`,
/// beside the journals, so the rehearsal's state and its runs' journals
/// live and are reset together.
public enum SandboxState {
    public static func path(stateDirectory: String) throws -> String {
        if mkdir(stateDirectory, 0o700) != 0, errno != EEXIST {
            throw SandboxStateFile.Failure.cannotCreateFolder(path: stateDirectory, errno: errno)
        }
        return "\(stateDirectory)/sandbox-referrals.jsonl"
    }
}
