package lede.opensearch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts one real OpenSearch node in this JVM, for lede's integration tests.
 *
 * <p>The distribution loads Netty (HTTP + transport) and the common analysis
 * module (english, porter_stem, stemmer, word_delimiter, ...) from its
 * modules/ folder; here they are on the classpath and handed to the node the
 * way OpenSearch's own test MockNode does it, through Node's protected
 * constructor that takes classpath plugins.
 *
 * <p>Usage:
 * <pre>
 *   java -cp 'target/opensearch-launcher.jar:target/lib/*' lede.opensearch.Launcher \
 *     --home DIR --node-name NAME --cluster-name NAME \
 *     --http-port P --transport-port T \
 *     --seed-hosts 127.0.0.1:T1,127.0.0.1:T2 --initial-cluster-managers n1,n2 \
 *     [-Ekey=value ...]
 * </pre>
 * With neither --seed-hosts nor --initial-cluster-managers it runs as discovery.type=single-node.
 * The node runs until the process gets SIGTERM/SIGINT (a clean close) or SIGKILL.
 * No bootstrap checks run (those live in OpenSearch's Bootstrap class, not in
 * Node), no security manager is installed and there is no security plugin.
 */
public final class Launcher {

    /** The protected Node constructor that accepts classpath plugins. */
    static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, true); // true: forbid private index settings, as in production
        }
    }

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        String home = null;
        String nodeName = null;
        String clusterName = "lede-test";
        String httpPort = null;
        String transportPort = null;
        String seedHosts = null;
        String initialManagers = null;
        Settings.Builder extra = Settings.builder();

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("-E")) {
                String kv = a.substring(2);
                int eq = kv.indexOf('=');
                if (eq <= 0) usage("bad setting " + a);
                extra.put(kv.substring(0, eq), kv.substring(eq + 1));
                continue;
            }
            if (i + 1 >= args.length) usage("missing value for " + a);
            String v = args[++i];
            switch (a) {
                case "--home": home = v; break;
                case "--node-name": nodeName = v; break;
                case "--cluster-name": clusterName = v; break;
                case "--http-port": httpPort = v; break;
                case "--transport-port": transportPort = v; break;
                case "--seed-hosts": seedHosts = v; break;
                case "--initial-cluster-managers": initialManagers = v; break;
                default: usage("unknown option " + a);
            }
        }
        if (home == null || nodeName == null || httpPort == null || transportPort == null) {
            usage("--home, --node-name, --http-port and --transport-port are required");
        }

        Path homePath = Paths.get(home).toAbsolutePath();
        // The folder layout of an unpacked distribution (modules/ and plugins/ stay empty).
        for (String d : List.of("config", "data", "logs", "modules", "plugins")) {
            Files.createDirectories(homePath.resolve(d));
        }

        Settings.Builder b = Settings.builder()
            .put("cluster.name", clusterName)
            .put("node.name", nodeName)
            .put("path.home", homePath.toString())
            .put("path.data", homePath.resolve("data").toString())
            .put("path.logs", homePath.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            // Test cluster on a shared build machine: never refuse shards because the disk is full-ish.
            .put("cluster.routing.allocation.disk.threshold_enabled", false);
        if (seedHosts != null && !seedHosts.isEmpty()) {
            b.putList("discovery.seed_hosts", seedHosts.split(","));
        }
        if (initialManagers != null && !initialManagers.isEmpty()) {
            b.putList("cluster.initial_cluster_manager_nodes", initialManagers.split(","));
        } else if (seedHosts == null || seedHosts.isEmpty()) {
            b.put("discovery.type", "single-node");
        }
        b.put(extra.build());

        final String name = nodeName;
        Environment env = InternalSettingsPreparer.prepareEnvironment(
            b.build(), Map.of(), homePath.resolve("config"), () -> name);

        Node node = new ClasspathPluginNode(
            env, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "lede-opensearch-shutdown"));

        node.start();
        System.out.println("lede-opensearch: node " + nodeName + " started, http 127.0.0.1:" + httpPort
            + ", transport 127.0.0.1:" + transportPort);
        System.out.flush();
        stopped.await(); // main stays alive until the shutdown hook has closed the node
    }

    private static void usage(String why) {
        System.err.println("lede.opensearch.Launcher: " + why);
        System.err.println("usage: --home DIR --node-name NAME [--cluster-name NAME] --http-port P --transport-port T"
            + " [--seed-hosts h:p,h:p] [--initial-cluster-managers n1,n2] [-Ekey=value ...]");
        System.exit(2);
    }
}
