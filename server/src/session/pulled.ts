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

  /** Whether the client has pulled anything: only then does a `workspace/diagnostic/refresh` mean something to it. */
  get any(): boolean {
    return this.uris.size > 0;
  }
}
