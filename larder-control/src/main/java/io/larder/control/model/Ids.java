package io.larder.control.model;

import io.larder.control.api.ApiException;

import java.util.Locale;

/** ElastiCache's identifier rules: 1-40 letters, digits or hyphens, a letter first, no trailing or double hyphen. */
public final class Ids {
    public static final int MAX_LENGTH = 40;
    public static final int MAX_PARAMETER_GROUP_LENGTH = 255;

    private Ids() {
    }

    /** @return the id as stored (lower case, as ElastiCache keeps it) */
    public static String cacheClusterId(String id) {
        if (id == null || id.isEmpty()) {
            throw ApiException.invalidValue("The parameter CacheClusterId must be provided and must not be blank.");
        }
        return checked("CacheClusterId", id, MAX_LENGTH);
    }

    /** A new cache parameter group's name: the same rules, up to 255 characters. */
    public static String parameterGroupName(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.missing("CacheParameterGroupName");
        }
        return checked("CacheParameterGroupName", name, MAX_PARAMETER_GROUP_LENGTH);
    }

    private static String checked(String field, String id, int max) {
        String problem = null;
        if (id.length() > max) {
            problem = "it must contain from 1 to " + max + " alphanumeric characters or hyphens";
        } else if (!Character.isLetter(id.charAt(0)) || id.charAt(0) > 'z') {
            problem = "the first character must be a letter";
        } else if (id.endsWith("-")) {
            problem = "it cannot end with a hyphen";
        } else if (id.contains("--")) {
            problem = "it cannot contain two consecutive hyphens";
        } else {
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                    problem = "it must contain only alphanumeric characters or hyphens";
                    break;
                }
            }
        }
        if (problem != null) {
            throw ApiException.invalidValue("Invalid " + field + " '" + id + "': " + problem + ".");
        }
        return id.toLowerCase(Locale.ROOT);
    }

    /** ElastiCache's AUTH token rules: 16-128 printable ASCII characters, none of / " @. */
    public static void authToken(String token) {
        if (token.length() < 16 || token.length() > 128) {
            throw ApiException.invalidValue("Invalid AuthToken: it must be at least 16 and at most 128 characters long.");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 33 || c > 126 || c == '/' || c == '"' || c == '@') {
                throw ApiException.invalidValue("Invalid AuthToken: only printable ASCII characters other than "
                        + "'/', '\"', '@' and space are allowed.");
            }
        }
    }

    /**
     * A token user's name: ElastiCache's user name rules (a letter first, then letters, digits and hyphens, at most
     * 40), and not {@code default}, which a node logs connections in as without AUTH.
     */
    public static void tokenUser(String name) {
        if (!name.matches("[A-Za-z][A-Za-z0-9-]{0,39}")) {
            throw ApiException.invalidValue("Invalid user name '" + name + "' in TokenAuthUsers: it must begin with a "
                    + "letter and hold at most 40 letters, digits and hyphens.");
        }
        if (name.equals("default")) {
            throw ApiException.invalidValue("The default user cannot be a token user.");
        }
    }
}
