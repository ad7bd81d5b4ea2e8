/*
 * FhePy: the subset of Python in which one writes a Concrete-Python style function.
 *
 * Layout: the lexer emits NEWLINE at the end of each logical line and INDENT / DEDENT when the
 * indentation of the next logical line grows or shrinks. That logic lives in IndentingTokenSource (a
 * token source wrapping the generated lexer); it follows the stack algorithm of the Python Language Reference, section
 * 2.1.8 "Indentation". Newlines inside (), [] and {} are ignored, as are blank and comment-only
 * lines and backslash-continued line breaks.
 *
 * The parser rules build a generic Python expression tree; what a call or annotation means
 * (np.sum, Encrypted[int4, (6, 768)], ...) is decided by the compiler's frontend.
 */
grammar FhePyGrammar;

tokens {
  INDENT,
  DEDENT
}

// ---- parser -------------------------------------------------------------------------------

file_input
  : (NEWLINE | stmt)* EOF
  ;

stmt
  : simple_stmts
  | compound_stmt
  ;

simple_stmts
  : simple_stmt (SEMI simple_stmt)* SEMI? NEWLINE
  ;

simple_stmt
  : return_stmt
  | pass_stmt
  | import_stmt
  | from_import_stmt
  | assign_stmt
  | aug_assign_stmt
  | expr_stmt
  ;

return_stmt
  : RETURN testlist?
  ;

pass_stmt
  : PASS
  ;

import_stmt
  : IMPORT dotted_name (AS NAME)?
  ;

from_import_stmt
  : FROM dotted_name IMPORT import_alias (COMMA import_alias)*
  ;

import_alias
  : NAME (AS NAME)?
  ;

dotted_name
  : NAME (DOT NAME)*
  ;

assign_stmt
  : (testlist ASSIGN)+ testlist
  ;

aug_assign_stmt
  : testlist aug_op testlist
  ;

aug_op
  : PLUS_ASSIGN
  | MINUS_ASSIGN
  | STAR_ASSIGN
  | SLASH_ASSIGN
  | DSLASH_ASSIGN
  | AT_ASSIGN
  ;

expr_stmt
  : testlist
  ;

compound_stmt
  : funcdef
  | for_stmt
  | if_stmt
  | while_stmt
  ;

funcdef
  : DEF NAME OPEN_PAREN parameters? CLOSE_PAREN (ARROW test)? COLON block
  ;

parameters
  : parameter (COMMA parameter)* COMMA?
  ;

parameter
  : NAME (COLON test)? (ASSIGN test)?
  ;

for_stmt
  : FOR testlist IN testlist COLON block
  ;

// if/elif/else and while are parsed so that the frontend can say why they are (or are not)
// supported: on compile-time constants they run at compile time, on encrypted values never.
if_stmt
  : IF test COLON block (ELIF test COLON block)* (ELSE COLON block)?
  ;

while_stmt
  : WHILE test COLON block
  ;

block
  : simple_stmts
  | NEWLINE INDENT stmt+ DEDENT
  ;

// A test is an expression with comparisons; the AST builder rejects chains (a < b < c).
test
  : expr (comp_op expr)*
  ;

comp_op
  : LT
  | GT
  | LE
  | GE
  | EQ
  | NE
  ;

// Operator precedence follows Python: ** binds tighter than unary minus on its left
// (-x**2 == -(x**2)) and accepts a unary minus on its right (2**-1).
expr
  : atom                                                     # atomExpr
  | expr OPEN_PAREN arguments? CLOSE_PAREN                   # callExpr
  | expr OPEN_BRACK subscripts CLOSE_BRACK                   # subscriptExpr
  | expr DOT NAME                                            # attributeExpr
  | <assoc = right> expr POWER expr                          # powerExpr
  | op = (MINUS | PLUS) expr                                 # unaryExpr
  | expr op = (STAR | SLASH | DSLASH | PERCENT | AT) expr    # mulExpr
  | expr op = (PLUS | MINUS) expr                            # addExpr
  ;

atom
  : OPEN_PAREN (test (COMMA test)* COMMA?)? CLOSE_PAREN      # parenAtom
  | OPEN_BRACK (test (COMMA test)* COMMA?)? CLOSE_BRACK      # listAtom
  | NAME                                                     # nameAtom
  | INTEGER                                                  # intAtom
  | FLOAT_NUMBER                                             # floatAtom
  | STRING+                                                  # stringAtom
  | NONE                                                     # noneAtom
  | ELLIPSIS                                                 # ellipsisAtom
  | TRUE                                                     # trueAtom
  | FALSE                                                    # falseAtom
  ;

arguments
  : argument (COMMA argument)* COMMA?
  ;

argument
  : NAME ASSIGN test                                         # keywordArgument
  | test                                                     # positionalArgument
  ;

subscripts
  : subscript (COMMA subscript)* COMMA?
  ;

subscript
  : test? COLON test? (COLON test?)?                          # sliceSubscript
  | test                                                     # indexSubscript
  ;

testlist
  : test (COMMA test)* COMMA?
  ;

// ---- lexer --------------------------------------------------------------------------------

DEF : 'def';
RETURN : 'return';
FOR : 'for';
IF : 'if';
ELIF : 'elif';
ELSE : 'else';
WHILE : 'while';
IN : 'in';
PASS : 'pass';
IMPORT : 'import';
FROM : 'from';
AS : 'as';
NONE : 'None';
TRUE : 'True';
FALSE : 'False';

NAME
  : [a-zA-Z_] [a-zA-Z_0-9]*
  ;

FLOAT_NUMBER
  : DIGITS '.' DIGITS? EXPONENT?
  | '.' DIGITS EXPONENT?
  | DIGITS EXPONENT
  ;

INTEGER
  : DIGITS
  | '0' [xX] [0-9a-fA-F] ('_'? [0-9a-fA-F])*
  | '0' [bB] [01] ('_'? [01])*
  ;

STRING
  : [rR]? ( '"""' .*? '"""' | '\'\'\'' .*? '\'\'\'' )
  | [rR]? ( '"' ( '\\' ~[\r\n] | ~[\\\r\n"] )* '"' | '\'' ( '\\' ~[\r\n] | ~[\\\r\n'] )* '\'' )
  ;

NEWLINE
  : ( '\r'? '\n' | '\r' ) [ \t\f]*
  ;

OPEN_PAREN : '(';
CLOSE_PAREN : ')';
OPEN_BRACK : '[';
CLOSE_BRACK : ']';
OPEN_BRACE : '{';
CLOSE_BRACE : '}';
COMMA : ',';
COLON : ':';
SEMI : ';';
ELLIPSIS : '...';
DOT : '.';
ARROW : '->';
POWER : '**';
DSLASH_ASSIGN : '//=';
PLUS_ASSIGN : '+=';
MINUS_ASSIGN : '-=';
STAR_ASSIGN : '*=';
SLASH_ASSIGN : '/=';
AT_ASSIGN : '@=';
EQ : '==';
NE : '!=';
LE : '<=';
GE : '>=';
LT : '<';
GT : '>';
ASSIGN : '=';
DSLASH : '//';
PLUS : '+';
MINUS : '-';
STAR : '*';
SLASH : '/';
PERCENT : '%';
AT : '@';

COMMENT
  : '#' ~[\r\n]* -> skip
  ;

LINE_CONTINUATION
  : '\\' [ \t]* ( '\r'? '\n' | '\r' ) -> skip
  ;

WS
  : [ \t\f]+ -> skip
  ;

// Any other character becomes a token the parser rejects with a located error.
ERROR_CHAR
  : .
  ;

fragment DIGITS
  : [0-9] ('_'? [0-9])*
  ;

fragment EXPONENT
  : [eE] [+-]? DIGITS
  ;
