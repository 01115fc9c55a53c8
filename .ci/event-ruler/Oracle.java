import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * EventBridge pattern oracle backed by AWS event-ruler, the matching engine EventBridge is built on.
 *
 * <p>Input (stdin, or the file named by the first argument): one JSON object per line,
 * {@code {"pattern": <pattern>, "event": <event>}}; the pattern may also be given as a JSON string.
 * Output (stdout): one line per input line, in order: {@code true}, {@code false} or
 * {@code error<TAB>message} (an invalid pattern or event). Blank input lines are skipped.
 *
 * <p>Each distinct pattern gets its own {@link Machine}, built once and reused, because a test table
 * runs every pattern against every event.
 */
public final class Oracle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Machine> MACHINES = new HashMap<>();

    public static void main(String[] args) throws IOException {
        InputStream source = args.length > 0 ? new FileInputStream(args[0]) : System.in;
        BufferedReader in = new BufferedReader(new InputStreamReader(source, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            out.println(answer(line));
            // The Node driver pipelines requests and waits for each answer line.
            out.flush();
        }
    }

    private static String answer(String line) {
        try {
            JsonNode request = JSON.readTree(line);
            JsonNode pattern = request.get("pattern");
            JsonNode event = request.get("event");
            if (pattern == null || event == null) {
                return "error\texpected {\"pattern\": …, \"event\": …}";
            }
            String patternText = pattern.isTextual() ? pattern.asText() : JSON.writeValueAsString(pattern);
            Machine machine = MACHINES.get(patternText);
            if (machine == null) {
                machine = Machine.builder().build();
                machine.addRule("pattern", patternText);
                MACHINES.put(patternText, machine);
            }
            return machine.rulesForJSONEvent(JSON.writeValueAsString(event)).isEmpty() ? "false" : "true";
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\t', ' ');
            return "error\t" + e.getClass().getSimpleName() + ": " + message;
        }
    }
}
