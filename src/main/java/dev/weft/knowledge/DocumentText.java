package dev.weft.knowledge;

import dev.weft.domain.DomainException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.springframework.ai.document.Document;
import org.springframework.ai.reader.markdown.MarkdownDocumentReader;
import org.springframework.ai.reader.markdown.config.MarkdownDocumentReaderConfig;
import org.springframework.ai.reader.pdf.PagePdfDocumentReader;
import org.springframework.core.io.ByteArrayResource;

/**
 * The text of an uploaded document by its media type: plain text as is, Markdown and PDF through Spring AI's
 * document readers (a section or page per part, joined by blank lines), HTML through jsoup (the body's text,
 * a blank line after each block; scripts and styles dropped).
 */
public final class DocumentText {
  /** The media types accepted, by the name clients send. */
  public static final List<String> TYPES = List.of("text/plain", "text/markdown", "text/html", "application/pdf");

  private DocumentText() {}

  /** The media type without parameters, lower-case; {@code text/x-markdown} as {@code text/markdown}. */
  public static String mediaType(String contentType) {
    if (contentType == null) return "";
    String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return t.equals("text/x-markdown") ? "text/markdown" : t;
  }

  /** The type a file's name implies ({@code .md}, {@code .html}, {@code .pdf}, {@code .txt}), or null. */
  public static String typeOfName(String name) {
    String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".md") || n.endsWith(".markdown")) return "text/markdown";
    if (n.endsWith(".html") || n.endsWith(".htm")) return "text/html";
    if (n.endsWith(".pdf")) return "application/pdf";
    if (n.endsWith(".txt")) return "text/plain";
    return null;
  }

  /**
   * @param contentType the full Content-Type (its charset applies to text types; UTF-8 otherwise)
   * @throws DomainException {@code document.unsupported_type} (415 at the API) or {@code document.unreadable}
   */
  public static String extract(byte[] bytes, String contentType) {
    String type = mediaType(contentType);
    return switch (type) {
      case "text/plain" -> new String(bytes, charset(contentType));
      case "text/markdown" -> markdown(new String(bytes, charset(contentType)));
      case "text/html" -> html(new String(bytes, charset(contentType)));
      case "application/pdf" -> pdf(bytes);
      default -> throw unsupported(type);
    };
  }

  public static DomainException unsupported(String type) {
    return DomainException.of(DomainException.Kind.UNSUPPORTED_MEDIA_TYPE, "header.Content-Type", "document.unsupported_type",
        "documents are " + String.join(", ", TYPES) + (type.isEmpty() ? "" : "; not " + type));
  }

  private static Charset charset(String contentType) {
    for (String p : contentType.split(";")) {
      String[] kv = p.strip().split("=", 2);
      if (kv.length == 2 && kv[0].equalsIgnoreCase("charset")) {
        try {
          return Charset.forName(kv[1].strip().replace("\"", ""));
        } catch (RuntimeException e) {
          throw DomainException.invalid("header.Content-Type", "document.unreadable", "unknown charset " + kv[1].strip());
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  private static String markdown(String text) {
    MarkdownDocumentReaderConfig config = MarkdownDocumentReaderConfig.builder()
        .withIncludeCodeBlock(true).withIncludeBlockquote(true).withHorizontalRuleCreateDocument(false).build();
    List<Document> parts = new MarkdownDocumentReader(new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8)), config).get();
    return parts.stream().map(d -> {
      Object title = d.getMetadata().get("title");
      String body = d.getText() == null ? "" : d.getText();
      return title == null ? body : title + "\n" + body;
    }).collect(Collectors.joining("\n\n"));
  }

  private static String html(String html) {
    org.jsoup.nodes.Document doc = Jsoup.parse(html);
    doc.select("script, style, noscript, template, head").remove();
    doc.select("br").after("\n");
    for (Element e : doc.select("p, div, li, h1, h2, h3, h4, h5, h6, tr, pre, blockquote, section, article, table")) {
      e.appendText("\n\n");
    }
    return doc.body() == null ? "" : doc.body().wholeText();
  }

  private static String pdf(byte[] bytes) {
    List<Document> pages;
    try {
      pages = new PagePdfDocumentReader(new ByteArrayResource(bytes)).get();
    } catch (RuntimeException e) {
      throw DomainException.invalid("", "document.unreadable", "the PDF cannot be read: " + e.getClass().getSimpleName());
    }
    return pages.stream().map(d -> d.getText() == null ? "" : d.getText()).collect(Collectors.joining("\n\n"));
  }
}
