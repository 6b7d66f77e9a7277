// Starts DynamoDB Local bound to one address (127.0.0.1 unless told otherwise) instead of every
// interface. DynamoDB Local has no option for it and no authentication, so this launcher builds its
// server exactly as DynamoDBLocal.jar's own main does, then sets the host of its Jetty connectors
// before starting it. Run by `npm start` with Java's source launcher (no javac, no build step):
//   java -cp DynamoDBLocal.jar LoopbackDynamoDb.java -host 127.0.0.1 <DynamoDB Local's own options>
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDb {
  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-host") && i + 1 < args.length) host = args[++i];
      else rest.add(args[i]);
    }
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(rest.toArray(new String[0]));
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector connector : jetty.getConnectors()) ((ServerConnector) connector).setHost(host);
    proxy.start();
    System.out.println("DynamoDB Local listening on " + host);
    proxy.join();
  }
}
