package io.devflow.dr.support;

import com.mongodb.MongoCursorNotFoundException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Tells transient faults (worth a retry: a connection dropped, a server briefly unavailable, throttling)
 * from permanent ones (wrong key, tampered archive, access denied, bad configuration).
 */
public final class Failures {

    private static final java.util.regex.Pattern CAUSED_BY =
            java.util.regex.Pattern.compile("caused by \\{[\\w.$]+: ([^}]*)}");

    private Failures() {
    }

    /** The SDK found no credentials in its chain: a setting to fix, not a fault a retry can outlast. */
    private static boolean missingCredentials(SdkClientException failure) {
        return String.valueOf(failure.getMessage()).startsWith("Unable to load credentials");
    }

    /** The driver's server-selection timeout, without its dump of the cluster state. */
    private static String describeServerSelection(MongoTimeoutException timeout) {
        String message = String.valueOf(timeout.getMessage());
        java.util.regex.Matcher cause = CAUSED_BY.matcher(message);
        String last = null;
        while (cause.find()) {
            last = cause.group(1);
        }
        return "no MongoDB server reachable" + (last != null ? " (" + last + ")" : "")
                + (message.startsWith("Timed out") ? " before the server selection timeout" : "");
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RemoteOperationException r) {
                return r.isTransient();
            }
            if (t instanceof AwsServiceException aws) {
                int status = aws.statusCode();
                return status >= 500 || status == 429 || aws.isThrottlingException();
            }
            if (t instanceof SdkClientException client && missingCredentials(client)) {
                return false;
            }
            if (t instanceof SdkClientException
                    || t instanceof StorageReadException
                    || t instanceof MongoSocketException
                    || t instanceof MongoTimeoutException
                    || t instanceof MongoNotPrimaryException
                    || t instanceof MongoNodeIsRecoveringException
                    || t instanceof MongoCursorNotFoundException
                    || t instanceof redis.clients.jedis.exceptions.JedisConnectionException
                    || t instanceof ConnectException
                    || t instanceof SocketTimeoutException
                    || t instanceof SocketException
                    || (t instanceof InterruptedIOException && !(t.getCause() instanceof InterruptedException))) {
                return true;
            }
            if (t instanceof UnknownHostException) {
                return false;
            }
        }
        return false;
    }

    /**
     * True when the failure already includes a wait for the server (the driver's server selection, a client
     * timeout): retrying it at once only multiplies the wait.
     */
    public static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoTimeoutException || t instanceof SocketTimeoutException
                    || t instanceof software.amazon.awssdk.core.exception.ApiCallTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** True when the failure is the result of this thread being interrupted (cancelled work). */
    public static boolean isInterruption(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof software.amazon.awssdk.core.exception.AbortedException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    /** Whether the failure is a connection that could not be made (refused, no route, unknown host). */
    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
                    || cause instanceof java.net.NoRouteToHostException) {
                return true;
            }
            String type = cause.getClass().getSimpleName();
            if (type.equals("JedisConnectionException") || type.equals("RedisConnectionFailureException")) {
                return true;
            }
        }
        return false;
    }

    /** The message of the innermost cause that has one. */
    public static String rootMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return String.valueOf(message);
    }

    /** The most telling message in a failure's cause chain, for one-line reports. */
    public static String describe(Throwable failure) {
        if (failure instanceof MongoTimeoutException timeout) {
            return describeServerSelection(timeout);
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SdkClientException client && missingCredentials(client)) {
                String what = "no AWS credentials found: set the region's storage.credentials in the configuration, "
                        + "or provide them through the AWS environment variables, a profile or an instance role";
                String top = failure == t ? null : failure.getMessage();
                int at = top == null ? -1 : top.indexOf(": Unable to load credentials");
                return at > 0 ? top.substring(0, at) + ": " + what : what;
            }
        }
        if (failure instanceof RemoteOperationException || failure.getCause() == null) {
            return String.valueOf(failure.getMessage());
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = failure.getMessage();
        String bottom = root instanceof MongoTimeoutException timeout ? describeServerSelection(timeout) : root.getMessage();
        if (top == null) {
            return bottom;
        }
        return bottom == null || top.contains(bottom) ? top : top + " (" + bottom + ")";
    }
}
