package io.larder.node.acl;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Commands;
import io.larder.node.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rule semantics at the unit level: containers, first arguments, categories, selector ranking. */
class SelectorTest {
    private final CommandTable table = new CommandTable();
    private final Acl acl;

    SelectorTest() {
        Commands.registerAll(table);
        acl = new Acl(new ServerConfig(), table);
    }

    private int check(String user, String... command) {
        byte[][] args = new byte[command.length][];
        for (int i = 0; i < command.length; i++) {
            args[i] = command[i].getBytes(StandardCharsets.UTF_8);
        }
        CommandSpec spec = table.get(command[0]);
        if (!spec.subcommands().isEmpty() && command.length > 1) {
            spec = spec.subcommands().get(command[1].toLowerCase());
        }
        return acl.check(acl.user(user), spec, args, new int[1]);
    }

    @Test
    void containerRulesCoverTheirSubcommands() throws AclException {
        acl.setUser("u", List.of("on", "~*", "+config", "-config|set"));
        assertThat(check("u", "config", "get", "x")).isEqualTo(Selector.OK);
        assertThat(check("u", "config", "resetstat")).isEqualTo(Selector.OK);
        assertThat(check("u", "config", "set", "x", "y")).isEqualTo(Selector.DENIED_COMMAND);
        acl.setUser("u", List.of("-CONFIG"));
        assertThat(check("u", "config", "get", "x")).isEqualTo(Selector.DENIED_COMMAND);
    }

    @Test
    void firstArgumentsOfPlainCommands() throws AclException {
        acl.setUser("u", List.of("on", "~*", "-@all", "+select|0", "+SELECT|1"));
        assertThat(check("u", "select", "0")).isEqualTo(Selector.OK);
        assertThat(check("u", "select", "1")).isEqualTo(Selector.OK);
        assertThat(check("u", "select", "2")).isEqualTo(Selector.DENIED_COMMAND);
        // allowing or denying the whole command forgets the first arguments
        acl.setUser("u", List.of("+select", "-select"));
        assertThat(check("u", "select", "0")).isEqualTo(Selector.DENIED_COMMAND);
        assertThatThrownBy(() -> acl.setUser("u", List.of("-select|0")))
                .hasMessage("Error in ACL SETUSER modifier '-select|0': Unknown command or category name in ACL");
    }

    @Test
    void categoriesReachSubcommands() throws AclException {
        acl.setUser("u", List.of("on", "~*", "-@all", "+@dangerous"));
        assertThat(check("u", "config", "set", "x", "y")).isEqualTo(Selector.OK);
        assertThat(check("u", "client", "kill", "id", "1")).isEqualTo(Selector.OK);
        assertThat(check("u", "client", "id")).isEqualTo(Selector.DENIED_COMMAND);
        assertThat(check("u", "get", "k")).isEqualTo(Selector.DENIED_COMMAND);
    }

    @Test
    void theFurthestReachingDenialWins() throws AclException {
        acl.setUser("u", List.of("on", "-@all", "+get", "~a*", "(+set ~b*)", "(+publish ~* resetchannels &c)"));
        assertThat(check("u", "get", "a1")).isEqualTo(Selector.OK);
        assertThat(check("u", "set", "b1", "v")).isEqualTo(Selector.OK);
        assertThat(check("u", "publish", "c", "m")).isEqualTo(Selector.OK);
        // get is allowed by the root selector only: a key denial beats the selectors' command denials
        assertThat(check("u", "get", "zz")).isEqualTo(Selector.DENIED_KEY);
        assertThat(check("u", "publish", "d", "m")).isEqualTo(Selector.DENIED_CHANNEL);
        assertThat(check("u", "del", "a1")).isEqualTo(Selector.DENIED_COMMAND);
    }

    @Test
    void noAuthCommandsAreAlwaysAllowed() throws AclException {
        acl.setUser("u", List.of("on", "nocommands"));
        assertThat(check("u", "auth", "a", "b")).isEqualTo(Selector.OK);
        assertThat(check("u", "hello", "3")).isEqualTo(Selector.OK);
        assertThat(check("u", "ping")).isEqualTo(Selector.DENIED_COMMAND);
    }

    @Test
    void aFailedSetuserChangesNothing() throws AclException {
        acl.setUser("u", List.of("on", ">p", "~a*", "+get"));
        String before = acl.describeAll().toString();
        assertThatThrownBy(() -> acl.setUser("u", List.of("off", "resetpass", "resetkeys", "+nosuch")))
                .isInstanceOf(AclException.class);
        assertThat(acl.describeAll().toString()).isEqualTo(before);
        assertThat(loginUser(acl, "u", "p")).isNotNull();
        assertThat(loginUser(acl, "u", "q")).isNull();
    }

    private static User loginUser(Acl acl, String name, String password) {
        var login = new java.util.concurrent.atomic.AtomicReference<Acl.Login>();
        acl.login(null, name, password.getBytes(), login::set);
        return login.get().user();
    }
}
