import { CodeActionKind } from 'vscode-languageserver';

/**
 * The kinds of code action the server offers (actions/code-actions.ts),
 * quick fixes only, without resolve. A module of its own: the `initialize`
 * answer names them before the actions' modules are loaded (issue 19).
 */
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix];
