// The examples in docs/ are real code: importing them registers and runs their tests here.
import '../../docs/examples/domain-rules.example.js'
import '../../docs/examples/quick-start.example.js'
