/** A listing cursor its store did not make (a client's typo, or a cursor from elsewhere): the API answers 400, not 500. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
}
