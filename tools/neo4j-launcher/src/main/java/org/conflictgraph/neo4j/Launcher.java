package org.conflictgraph.neo4j;

import static org.neo4j.configuration.GraphDatabaseSettings.DEFAULT_DATABASE_NAME;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

import sun.misc.Signal;

/**
 * Starts an embedded Neo4j 5 Community DBMS for tests and local development.
 *
 * <pre>
 * java -Xmx768m -cp CLASSPATH org.conflictgraph.neo4j.Launcher \
 *     --data-dir DIR --port PORT [--host 127.0.0.1] [--page-cache 256m] [--tx-memory 256m]
 *     [--exit-on-stdin-close] [--exit-when-ready]
 * </pre>
 *
 * Auth is disabled, only the Bolt connector listens (on HOST:PORT), HTTP/HTTPS and server-side
 * routing are off, usage-data reporting is off. Neo4j's logs go to DIR/logs (debug.log) and to
 * stderr (the user log). Stdout carries exactly one line, {@code NEO4J_URI=bolt://HOST:PORT},
 * printed once the default database is available and Bolt accepts connections. The process then
 * blocks until SIGTERM/SIGINT (or EOF on stdin with --exit-on-stdin-close), shuts the DBMS down
 * and exits 0. --exit-when-ready shuts down right after printing the line (a smoke test, also used
 * to record the class-data-sharing archive). Exit 1: startup or shutdown failed; exit 2: bad arguments.
 */
public final class Launcher {
    private static final long READY_TIMEOUT_MS = 170_000;

    private static final CountDownLatch stopRequested = new CountDownLatch(1);
    private static final AtomicInteger interruptsSeen = new AtomicInteger();
    private static final Object shutdownLock = new Object();
    private static volatile DatabaseManagementService managementService;
    private static boolean shutDown;

    private Launcher() {}

    public static void main(String[] args) {
        // Keep stdout for the single NEO4J_URI line; anything else that writes to System.out
        // (libraries, stray prints) ends up on stderr instead.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("neo4j-launcher: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }

        // Signals: TERM/INT ask for a clean shutdown (exit 0). A second Ctrl-C (INT) halts at once;
        // repeated TERMs just wait for the shutdown in progress (scripts/neo4j escalates to KILL).
        // (A signal the JVM inherited as ignored, e.g. INT in a background job, stays ignored.)
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), Launcher::onSignal);
            } catch (IllegalArgumentException e) {
                // e.g. -Xrs: fall back to the shutdown hook (exit status 143/130 instead of 0)
                System.err.println("neo4j-launcher: cannot handle SIG" + name + ": " + e.getMessage());
            }
        }
        // Any other way out of the JVM (System.exit elsewhere, SIGHUP, ...) still closes the store.
        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdownOnce, "neo4j-launcher-shutdown"));

        if (opts.exitOnStdinClose) {
            Thread watcher = new Thread(() -> {
                InputStream in = System.in;
                byte[] buf = new byte[256];
                try {
                    while (in.read(buf) >= 0) {
                        // discard input; we only care about EOF
                    }
                } catch (IOException ignored) {
                    // treat a broken stdin like EOF
                }
                System.err.println("neo4j-launcher: stdin closed, shutting down");
                stopRequested.countDown();
            }, "neo4j-launcher-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        long t0 = System.nanoTime();
        String uri;
        try {
            uri = start(opts);
        } catch (Throwable t) {
            System.err.println("neo4j-launcher: startup failed: " + t);
            t.printStackTrace(System.err);
            shutdownOnce();
            System.exit(1);
            return;
        }
        if (stopRequested.getCount() == 0) {
            // Asked to stop while starting: don't announce a server that is going away.
            System.exit(shutdownOnce() ? 0 : 1);
            return;
        }
        System.err.printf(Locale.ROOT, "neo4j-launcher: ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        stdout.println("NEO4J_URI=" + uri);
        stdout.flush();
        if (opts.exitWhenReady) {
            stopRequested.countDown();
        }

        while (true) {
            try {
                stopRequested.await();
                break;
            } catch (InterruptedException ignored) {
                // keep waiting
            }
        }
        System.exit(shutdownOnce() ? 0 : 1);
    }

    private static void onSignal(Signal sig) {
        boolean interrupt = "INT".equals(sig.getName());
        if (stopRequested.getCount() == 0) {
            if (interrupt && interruptsSeen.incrementAndGet() > 1) {
                System.err.println("neo4j-launcher: second SIGINT, halting");
                Runtime.getRuntime().halt(1);
            }
            return;
        }
        if (interrupt) {
            interruptsSeen.incrementAndGet();
        }
        System.err.println("neo4j-launcher: SIG" + sig.getName() + " received, shutting down");
        stopRequested.countDown();
    }

    private static String start(Options opts) throws Exception {
        Path home = opts.dataDir.toAbsolutePath().normalize();
        Files.createDirectories(home);
        Path logs = home.resolve("logs");
        Files.createDirectories(logs);

        SocketAddress bolt = new SocketAddress(opts.host, opts.port);
        Map<Setting<?>, Object> cfg = new HashMap<>();
        // Everything binds to loopback only; nothing but Bolt is opened.
        cfg.put(GraphDatabaseSettings.default_listen_address, new SocketAddress(opts.host));
        cfg.put(GraphDatabaseSettings.default_advertised_address, new SocketAddress(opts.host));
        cfg.put(BoltConnector.enabled, true);
        cfg.put(BoltConnector.listen_address, bolt);
        cfg.put(BoltConnector.advertised_address, bolt); // what neo4j:// routing tables hand out
        cfg.put(HttpConnector.enabled, false);
        cfg.put(HttpsConnector.enabled, false);
        cfg.put(GraphDatabaseSettings.routing_enabled, false); // no extra connector on :7688
        cfg.put(GraphDatabaseSettings.auth_enabled, false);
        cfg.put(GraphDatabaseSettings.udc_enabled, false); // no usage-data reporting
        cfg.put(GraphDatabaseInternalSettings.udc_network_enabled, false);
        // Bolt's Netty event loops wait a 5 s quiet period each on shutdown by default (~10 s);
        // a test database has nothing to drain, so stop them at once.
        cfg.put(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        cfg.put(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5));
        // Memory: small, fixed page cache and a cap on transaction memory.
        cfg.put(GraphDatabaseSettings.pagecache_memory, opts.pageCacheBytes);
        cfg.put(GraphDatabaseSettings.memory_transaction_global_max_size, opts.txMemoryBytes);
        cfg.put(GraphDatabaseSettings.pagecache_warmup_enabled, false);
        // Throwaway test data: no preallocated transaction logs, keep little history.
        cfg.put(GraphDatabaseSettings.preallocate_logical_logs, false);
        cfg.put(GraphDatabaseSettings.keep_logical_logs, "1 files");
        cfg.put(GraphDatabaseSettings.logs_directory, logs);

        managementService = new DatabaseManagementServiceBuilder(home)
                .setConfig(cfg)
                .setUserLogProvider(new Log4jLogProvider(System.err, Level.INFO))
                .build();

        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        GraphDatabaseService db = managementService.database(DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(1_000)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("database '" + DEFAULT_DATABASE_NAME + "' not available in time");
            }
            if (stopRequested.getCount() == 0) {
                return null;
            }
        }

        // Bolt is started by the DBMS lifecycle; wait until it is registered and accepts TCP.
        ConnectorPortRegister ports =
                ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        HostnamePort boundTo;
        while ((boundTo = ports.getLocalAddress(ConnectorType.BOLT)) == null) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("Bolt connector did not come up");
            }
            Thread.sleep(50);
        }
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(opts.host, boundTo.getPort()), 1_000);
                break;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Bolt port " + boundTo + " does not accept connections", e);
                }
                Thread.sleep(50);
            }
        }

        // Warm up the Cypher stack so the first client query is not the slow one.
        db.executeTransactionally("RETURN 1");

        return "bolt://" + hostForUri(opts.host) + ":" + boundTo.getPort();
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Shuts the DBMS down once; returns false if shutting down failed. */
    private static boolean shutdownOnce() {
        synchronized (shutdownLock) {
            if (shutDown) {
                return true;
            }
            shutDown = true;
            DatabaseManagementService svc = managementService;
            if (svc == null) {
                return true;
            }
            try {
                long t0 = System.nanoTime();
                svc.shutdown();
                System.err.printf(Locale.ROOT, "neo4j-launcher: shut down in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                return true;
            } catch (Throwable t) {
                System.err.println("neo4j-launcher: shutdown failed: " + t);
                t.printStackTrace(System.err);
                return false;
            }
        }
    }

    private static final class Options {
        static final String USAGE = "usage: Launcher --data-dir DIR --port PORT [--host 127.0.0.1]"
                + " [--page-cache 256m] [--tx-memory 256m] [--exit-on-stdin-close] [--exit-when-ready]";

        Path dataDir;
        String host = "127.0.0.1";
        int port = -1;
        long pageCacheBytes = parseBytes("256m");
        long txMemoryBytes = parseBytes("256m");
        boolean exitOnStdinClose;
        boolean exitWhenReady;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    value = a.substring(eq + 1);
                    a = a.substring(0, eq);
                }
                switch (a) {
                    case "--exit-on-stdin-close":
                        o.exitOnStdinClose = true;
                        continue;
                    case "--exit-when-ready":
                        o.exitWhenReady = true;
                        continue;
                    case "-h":
                    case "--help":
                        throw new IllegalArgumentException("help requested");
                    default:
                        break;
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value for " + a);
                    }
                    value = args[++i];
                }
                switch (a) {
                    case "--data-dir":
                        o.dataDir = Path.of(value);
                        break;
                    case "--host":
                        o.host = value;
                        break;
                    case "--port":
                        try {
                            o.port = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("bad --port: " + value);
                        }
                        break;
                    case "--page-cache":
                        o.pageCacheBytes = parseBytes(value);
                        break;
                    case "--tx-memory":
                        o.txMemoryBytes = parseBytes(value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
            if (o.dataDir == null) {
                throw new IllegalArgumentException("--data-dir is required");
            }
            if (o.port < 1 || o.port > 65535) {
                // A fixed port is needed: it is also the advertised address in routing tables.
                throw new IllegalArgumentException("--port is required (1-65535)");
            }
            return o;
        }

        static long parseBytes(String s) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            long mult = 1;
            if (v.endsWith("k")) {
                mult = 1L << 10;
            } else if (v.endsWith("m")) {
                mult = 1L << 20;
            } else if (v.endsWith("g")) {
                mult = 1L << 30;
            }
            if (mult != 1) {
                v = v.substring(0, v.length() - 1);
            }
            try {
                long n = Long.parseLong(v);
                if (n <= 0) {
                    throw new NumberFormatException();
                }
                return n * mult;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad memory size: " + s + " (want e.g. 256m)");
            }
        }
    }
}
