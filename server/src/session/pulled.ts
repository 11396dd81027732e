/**
 * Which documents the client pulls diagnostics for. A client may declare
 * pull support (`textDocument.diagnostic`) and never pull: Helix 25.07
 * does, and would then show no diagnostic at all. So every URI is pushed
 * until the client's first pull of it; that first pull clears what was
 * pushed for it (one empty publish), and from then on the URI is answered
 * by pulls only: Neovim ≥ 0.10 keeps pushed and pulled diagnostics apart,
 * and both would show every finding twice.
 *
 * A URI stays pulled after its document closes: a client that pulled it
 * pulls it again when it reopens it. The set grows only with the files
 * the client itself pulled.
 */
export class PulledUris {
  private readonly uris = new Set<string>();
  /** What the last pull of a URI answered (a digest), to tell whether its results have changed since. */
  private readonly answers = new Map<string, string>();
  /** URIs whose change since their last pull a refresh has already announced (cleared by their next pull). */
  private readonly announced = new Set<string>();

  /** Whether this URI's diagnostics are pushed (the client has never pulled it). */
  pushes(uri: string): boolean {
    return !this.uris.has(uri);
  }

  /** Records a pull of `uri`; true the first time (the caller clears the pushed diagnostics). */
  first(uri: string): boolean {
    if (this.uris.has(uri)) return false;
    this.uris.add(uri);
    return true;
  }

  /** Records what a pull of `uri` answered. */
  answered(uri: string, digest: string): void {
    this.answers.set(uri, digest);
    this.announced.delete(uri);
  }

  /**
   * Whether the results of a pulled `uri` (now `digest`) differ from what
   * its last pull answered and no refresh has announced that yet: true
   * once per change between two pulls (a refresh then; a keystroke after it
   * asks for no second one before the client has pulled again).
   */
  changedSincePull(uri: string, digest: string): boolean {
    const last = this.answers.get(uri);
    if (last === undefined || last === digest || this.announced.has(uri)) return false;
    this.announced.add(uri);
    return true;
  }

  /** A closed document's last answer is forgotten (a reopened one is pulled afresh). */
  forget(uri: string): void {
    this.answers.delete(uri);
    this.announced.delete(uri);
  }

  /** Whether the client has pulled anything: only then does a `workspace/diagnostic/refresh` mean something to it. */
  get any(): boolean {
    return this.uris.size > 0;
  }
}
