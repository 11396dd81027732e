import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver';

/** What the server says about itself: to the log, and to the user, each thing once per server run. */
export class Notices {
  private readonly said = new Set<string>();

  constructor(private readonly connection: Connection) {}

  /** Says a thing in the log once per server run, whatever the number of times it happens. */
  once(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.connection.console.error(message);
  }

  /** A warning the user sees, once per server run. */
  warnOnce(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    // A notification, never window/showMessageRequest (Neovim 0.7 blocks on it).
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    this.connection.console.warn(message);
  }

  /** A message the user sees now (a notification, never a request). */
  show(type: MessageType, message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  log(message: string): void {
    this.connection.console.log(message);
  }
}
