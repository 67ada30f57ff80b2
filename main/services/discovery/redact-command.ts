/** Flags whose value is a secret: vLLM's --api-key, llama-server's --api-key, and the like. */
const SECRET_FLAG = /^--?(api[-_]?key|api[-_]?keys|key|token|auth[-_]?token|password|admin[-_]?key)$/i;
const SECRET_FLAG_WITH_VALUE = /^(--?(?:api[-_]?keys?|key|token|auth[-_]?token|password|admin[-_]?key))=.+$/i;

/**
 * A found server's command line as a tile may show it: the value of a key flag
 * (`vllm serve m --api-key sk-…`) becomes `•••`, since the command goes to every client and into
 * screenshots while the key itself never leaves the host.
 */
export function redactCommand(command: string): string {
  const words = command.split(' ');
  return words
    .map((word, i) => {
      if (i > 0 && SECRET_FLAG.test(words[i - 1]!) && word) return '•••';
      return word.replace(SECRET_FLAG_WITH_VALUE, '$1=•••');
    })
    .join(' ');
}
