package io.devflow.dr.crypto;

/**
 * A wrapped key that is refused for what it is, not for a key that cannot be reached: it names a key this
 * deployment does not allow, it belongs to another deployment, or it does not authenticate under the key and
 * context it claims (altered, or copied from another backup). Whatever it protects is damaged, not merely
 * unverifiable for now.
 */
public class KeyRefusedException extends KeyUnavailableException {

    public KeyRefusedException(String message) {
        super(message);
    }

    public KeyRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
