// The hook's one kind of failure: a message for one line, and nothing written.
export const SETUP_HINT = 'run ./scripts/setup.sh (or `npm ci`) to install the build tools';

export class ShrinkError extends Error {}
export const fail = (message) => {
  throw new ShrinkError(message);
};
