export const ADMIN_OPTIONS = Symbol('ADMIN_OPTIONS');

export interface AdminOptions {
  /** The WeChat sandbox is mounted on this app: the page offers sign-in as a sandbox persona. */
  sandboxLogin?: boolean;
}
